// Loaded networks are listed from their Dataset nodes.
CREATE INDEX netmarker_dataset_kind IF NOT EXISTS
FOR (d:Dataset) ON (d.kind)
