// rows: [drug, gene, source]; drugs and genes already merged.
UNWIND $rows AS row
MATCH (d:Drug {name: row[0]})
MATCH (g:Gene {symbol: row[1]})
MERGE (d)-[:TARGETS {source: row[2]}]->(g)
