// Start (or resume) a load: the Dataset node exists with complete = false until the last
// batch is in. `before` (store counts before the first attempt) survives an interruption,
// so a resumed load reports what the whole load added.
MERGE (d:Dataset {dataset_id: $dataset_id})
ON CREATE SET d.complete = false, d.kind = $kind, d.name = $name,
              d.source_file = $source_file, d.checksum = $checksum, d.options = $options,
              d.before = $before
RETURN d.complete AS complete, d.before AS before
