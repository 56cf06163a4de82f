// One row: `rows`, a list of [column values] in the table's column order (collected,
// because one list decodes far faster in the driver than one record per row).
// A biomarker feature is a Pathway (id) or a Gene (symbol).
MATCH (d:Drug)-[r:BIOMARKER]->(f)
WHERE $drug IS NULL OR d.name = $drug
RETURN collect([d.name, coalesce(f.id, f.symbol), r.coefficient, r.rank, r.model_id]) AS rows
