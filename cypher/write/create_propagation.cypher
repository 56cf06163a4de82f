UNWIND $rows AS row
MERGE (d:Drug {name: row.drug})
MERGE (g:Gene {symbol: row.gene})
CREATE (d)-[:PROPAGATES_TO {
  network: row.network, score: row.score, rank: row.rank, run: row.run
}]->(g)
