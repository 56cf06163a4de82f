// Committed before a network load takes its lock, so the lock has a node to hold and the
// cleanup of what an interrupted load staged finds it. '' = nothing published yet.
MERGE (n:Network {name: $network})
ON CREATE SET n.version = ''
