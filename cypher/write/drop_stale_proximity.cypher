// After a proximity write-back published (and while it holds the network's lock again):
// delete the drugs' rows on this network that no reader sees, i.e. the superseded ones and
// any a killed write-back staged. Auto-commit, in batches, so any number fits the heap.
UNWIND $drugs AS name
MATCH (d:Drug {name: name})-[r:PROXIMAL_TO]->()
WHERE r.network = $network
  AND NOT r.network + '/' + coalesce(toString(r.write), '') IN coalesce(d.proximity_writes, [r.network + '/'])
CALL (r) { DELETE r } IN TRANSACTIONS OF $batch_size ROWS
