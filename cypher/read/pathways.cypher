// One row: `rows`, a list of [column values] in the table's column order (collected,
// because one list decodes far faster in the driver than one record per row).
MATCH (p:Pathway)
WHERE p.source IS NOT NULL
RETURN collect([p.id, p.source, p.url]) AS rows
