// rows: [gene_a, gene_b, score or null], gene_a < gene_b, genes already merged.
// Writes the staged version $version of the network (see load_network in neo4j.py).
// One relationship per unordered pair per network version; a repeated pair keeps the max score
// (null = unweighted, loses to any number). The index hints keep the plan right when it
// is made while the graph is still empty. There is deliberately no index on
// INTERACTS_WITH(network): planned on an empty graph, MERGE would scan that whole index for
// every row (quadratic load time) instead of expanding between the two genes.
UNWIND $rows AS row
MATCH (a:Gene {symbol: row[0]})
USING INDEX a:Gene(symbol)
MATCH (b:Gene {symbol: row[1]})
USING INDEX b:Gene(symbol)
MERGE (a)-[r:INTERACTS_WITH {network: $network, version: $version}]->(b)
SET r.score = CASE
  WHEN r.score IS NULL THEN row[2]
  WHEN row[2] IS NOT NULL AND row[2] > r.score THEN row[2]
  ELSE r.score
END
