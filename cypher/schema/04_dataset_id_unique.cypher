// One Dataset node per distinct load (kind, name, checksum, options).
CREATE CONSTRAINT netmarker_dataset_id IF NOT EXISTS
FOR (d:Dataset) REQUIRE d.dataset_id IS UNIQUE
