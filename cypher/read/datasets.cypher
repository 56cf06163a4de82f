// One row: `rows`, a list of [column values] in the table's column order (collected,
// because one list decodes far faster in the driver than one record per row).
// Completed loads, in the order they completed.
MATCH (d:Dataset)
WHERE d.complete = true
WITH d
ORDER BY d.seq
RETURN collect([
  d.dataset_id, d.kind, d.name, d.source_file, d.checksum, d.loaded_at, d.counts, d.options
]) AS rows
