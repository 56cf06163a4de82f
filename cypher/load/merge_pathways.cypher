// rows: [id, source, url]; a reload with new metadata updates the pathway.
UNWIND $rows AS row
MERGE (p:Pathway {id: row[0]})
SET p.source = row[1], p.url = row[2]
