// One row: `rows`, a list of [column values] in the table's column order (collected,
// because one list decodes far faster in the driver than one record per row).
MATCH (g:Gene)
WHERE g.entrez IS NOT NULL
RETURN collect([g.symbol, g.entrez]) AS rows
