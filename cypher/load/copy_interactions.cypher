// Stage a new version of a network as a copy of its published interactions; the load then
// merges its own rows into it. Auto-commit, in batches: nothing reads a staged version.
MATCH (n:Network {name: $network})
MATCH (a:Gene)-[r:INTERACTS_WITH {network: $network, version: n.version}]->(b:Gene)
CALL (a, b, r) {
  CREATE (a)-[:INTERACTS_WITH {network: $network, version: $version, score: r.score}]->(b)
} IN TRANSACTIONS OF $batch_size ROWS
