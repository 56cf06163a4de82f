// One row: `rows`, a list of [column values] in the table's column order (collected,
// because one list decodes far faster in the driver than one record per row).
MATCH (a:Gene)-[r:INTERACTS_WITH {network: $network}]->(b:Gene)
RETURN collect([a.symbol, b.symbol, r.score]) AS rows
