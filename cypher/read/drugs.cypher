// One row: `rows`, a list of [column values] in the table's column order (collected,
// because one list decodes far faster in the driver than one record per row).
MATCH (d:Drug)
WHERE d.synonyms IS NOT NULL
RETURN collect([d.name, d.synonyms]) AS rows
