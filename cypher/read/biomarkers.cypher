// A biomarker feature is a Pathway (id) or a Gene (symbol).
MATCH (d:Drug)-[r:BIOMARKER]->(f)
WHERE $drug IS NULL OR d.name = $drug
RETURN d.name AS drug, coalesce(f.id, f.symbol) AS feature, r.coefficient AS coefficient,
       r.rank AS rank, r.model_id AS model_id
