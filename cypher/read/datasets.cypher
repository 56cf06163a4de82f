// Completed loads, in the order they completed.
MATCH (d:Dataset)
WHERE d.complete = true
RETURN d.dataset_id AS dataset_id, d.kind AS kind, d.name AS name,
       d.source_file AS source_file, d.checksum AS checksum, d.loaded_at AS loaded_at,
       d.counts AS counts, d.options AS options
ORDER BY d.seq
