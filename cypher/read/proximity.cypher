// One row: `rows`, a list of [column values] in the table's column order (collected,
// because one list decodes far faster in the driver than one record per row).
// Published rows only: those of the write the drug lists for that network (rows written
// before staged write-backs have no `write` and count as "<network>/"; the drug lists
// "<network>/" for them until a staged write-back replaces them).
MATCH (d:Drug)-[r:PROXIMAL_TO]->(p:Pathway)
WHERE ($drug IS NULL OR d.name = $drug) AND ($network IS NULL OR r.network = $network)
  AND r.network + '/' + coalesce(toString(r.write), '') IN coalesce(d.proximity_writes, [r.network + '/'])
RETURN collect([d.name, p.id, r.network, r.distance, r.z, r.p, r.n_random, r.seed, r.run]) AS rows
