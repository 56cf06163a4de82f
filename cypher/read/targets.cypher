// One row: `rows`, a list of [column values] in the table's column order (collected,
// because one list decodes far faster in the driver than one record per row).
MATCH (d:Drug)-[t:TARGETS]->(g:Gene)
WHERE $drug IS NULL OR d.name = $drug
RETURN collect([d.name, g.symbol, t.source]) AS rows
