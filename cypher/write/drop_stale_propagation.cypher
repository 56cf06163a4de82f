// After a propagation write-back published (and while it holds the network's lock again):
// delete the drugs' rows on this network that no reader sees. Auto-commit, in batches.
UNWIND $drugs AS name
MATCH (d:Drug {name: name})-[r:PROPAGATES_TO]->()
WHERE r.network = $network
  AND NOT r.network + '/' + coalesce(toString(r.write), '') IN coalesce(d.propagation_writes, [r.network + '/'])
CALL (r) { DELETE r } IN TRANSACTIONS OF $batch_size ROWS
