// One row: `rows`, a list of [column values] in the table's column order (collected,
// because one list decodes far faster in the driver than one record per row).
// The network's published version only (a load stages the next one beside it).
MATCH (n:Network {name: $network})
MATCH (a:Gene)-[r:INTERACTS_WITH {network: $network, version: n.version}]->(b:Gene)
RETURN collect([a.symbol, b.symbol, r.score]) AS rows
