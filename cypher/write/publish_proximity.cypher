// The last step of a proximity write-back, in the transaction that holds the network's lock:
// each drug's list of published writes (one "<network>/<write>" per network) gets $write in
// place of the network's previous one, so readers switch to the new rows at once.
// `proximity_published_at` is set first: it takes the drug's write lock before the list is
// read, so two writes for other networks cannot lose each other's entry. Rows written before
// staged write-backs (no `write`) stay visible through a "<network>/" entry per network.
UNWIND $drugs AS name
MATCH (d:Drug {name: name})
SET d.proximity_published_at = timestamp()
WITH d, CASE
  WHEN d.proximity_writes IS NULL
    THEN COLLECT { MATCH (d)-[old:PROXIMAL_TO]->() WHERE old.write IS NULL RETURN DISTINCT old.network + '/' }
  ELSE d.proximity_writes
END AS writes
SET d.proximity_writes = [w IN writes WHERE NOT w STARTS WITH $network + '/'] + ($network + '/' + toString($write))
