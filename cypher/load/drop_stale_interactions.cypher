// Delete this network's interactions that are not its published version: a load's own
// previous version after it published, or what an interrupted load staged. Runs only while
// the load holds the network's lock, so no other load is staging. Auto-commit, in batches.
MATCH (n:Network {name: $network})
MATCH ()-[r:INTERACTS_WITH {network: $network}]->()
WHERE r.version <> n.version
CALL (r) { DELETE r } IN TRANSACTIONS OF $batch_size ROWS
