// Removing a network: its published version becomes none (''), so readers see no edge of
// it from this commit on; the interactions themselves are deleted in batches afterwards
// (load/drop_stale_interactions), as a load drops an old version.
MATCH (n:Network {name: $network})
SET n.version = ''
