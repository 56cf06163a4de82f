// rows: [gene_a, gene_b, score or null], gene_a < gene_b, genes already merged.
// One relationship per unordered pair per network; a repeated pair keeps the max score
// (null = unweighted, loses to any number).
UNWIND $rows AS row
MATCH (a:Gene {symbol: row[0]})
MATCH (b:Gene {symbol: row[1]})
MERGE (a)-[r:INTERACTS_WITH {network: $network}]->(b)
SET r.score = CASE
  WHEN r.score IS NULL THEN row[2]
  WHEN row[2] IS NOT NULL AND row[2] > r.score THEN row[2]
  ELSE r.score
END
