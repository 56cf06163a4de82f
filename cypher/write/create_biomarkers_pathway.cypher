// Features that are pathway ids.
UNWIND $rows AS row
MERGE (d:Drug {name: row.drug})
WITH d, row
MATCH (p:Pathway {id: row.feature})
CREATE (d)-[:BIOMARKER {coefficient: row.coefficient, rank: row.rank, model_id: row.model_id}]->(p)
