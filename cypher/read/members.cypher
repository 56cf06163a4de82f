// One row: `rows`, a list of [column values] in the table's column order (collected,
// because one list decodes far faster in the driver than one record per row).
MATCH (p:Pathway)-[:HAS_MEMBER]->(g:Gene)
WHERE $source IS NULL OR p.source = $source
RETURN collect([p.id, g.symbol]) AS rows
