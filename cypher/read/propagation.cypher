// One row: `rows`, a list of [column values] in the table's column order (collected,
// because one list decodes far faster in the driver than one record per row).
// Published rows only (see proximity.cypher).
MATCH (d:Drug)-[r:PROPAGATES_TO]->(g:Gene)
WHERE ($drug IS NULL OR d.name = $drug) AND ($network IS NULL OR r.network = $network)
  AND r.network + '/' + coalesce(toString(r.write), '') IN coalesce(d.propagation_writes, [r.network + '/'])
RETURN collect([d.name, g.symbol, r.network, r.score, r.rank, r.run]) AS rows
