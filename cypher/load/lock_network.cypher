// Taken first by the transaction a network load keeps open until it publishes (and again to
// delete the old version afterwards): the write lock on the Network node keeps other loads
// of this network waiting, and it is released when that transaction ends, however it ends
// (the server rolls back the transaction of a client that died).
MATCH (n:Network {name: $network})
SET n.locked_at = timestamp()
