// rows: [pathway, gene]; genes already merged.
UNWIND $rows AS row
MERGE (p:Pathway {id: row[0]})
WITH p, row
MATCH (g:Gene {symbol: row[1]})
MERGE (p)-[:HAS_MEMBER]->(g)
