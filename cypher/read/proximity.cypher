// One row: `rows`, a list of [column values] in the table's column order (collected,
// because one list decodes far faster in the driver than one record per row).
MATCH (d:Drug)-[r:PROXIMAL_TO]->(p:Pathway)
WHERE ($drug IS NULL OR d.name = $drug) AND ($network IS NULL OR r.network = $network)
RETURN collect([
  d.name, p.id, r.network, r.distance, r.z, r.p, r.q, r.n_random, r.seed, r.run
]) AS rows
