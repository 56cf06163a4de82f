// Features that are not pathway ids are gene symbols.
UNWIND $rows AS row
MERGE (d:Drug {name: row.drug})
MERGE (g:Gene {symbol: row.feature})
CREATE (d)-[:BIOMARKER {coefficient: row.coefficient, rank: row.rank, model_id: row.model_id}]->(g)
