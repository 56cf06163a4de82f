// The last step of a propagation write-back, as publish_proximity: each drug's list of
// published writes gets $write in place of the network's previous one, in the transaction
// that holds the network's lock.
UNWIND $drugs AS name
MATCH (d:Drug {name: name})
SET d.propagation_published_at = timestamp()
WITH d, CASE
  WHEN d.propagation_writes IS NULL
    THEN COLLECT { MATCH (d)-[old:PROPAGATES_TO]->() WHERE old.write IS NULL RETURN DISTINCT old.network + '/' }
  ELSE d.propagation_writes
END AS writes
SET d.propagation_writes = [w IN writes WHERE NOT w STARTS WITH $network + '/'] + ($network + '/' + toString($write))
