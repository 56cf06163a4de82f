MATCH (a:Gene)-[r:INTERACTS_WITH {network: $network}]->(b:Gene)
RETURN a.symbol AS gene_a, b.symbol AS gene_b, r.score AS score
