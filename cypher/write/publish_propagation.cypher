// The last step of a propagation write-back, as publish_proximity: each drug's list of
// published writes gets $write in place of the network's previous one, in the transaction
// that holds the network's lock.
UNWIND $drugs AS name
MATCH (d:Drug {name: name})
SET d.propagation_published_at = timestamp()
WITH d
CALL (d) {
  OPTIONAL MATCH (d)-[old:PROPAGATES_TO]->()
  WHERE d.propagation_writes IS NULL AND old.write IS NULL
  RETURN collect(DISTINCT old.network + '/') AS legacy
}
SET d.propagation_writes = [
  w IN coalesce(d.propagation_writes, legacy) WHERE NOT w STARTS WITH $network + '/'
] + ($network + '/' + toString($write))
