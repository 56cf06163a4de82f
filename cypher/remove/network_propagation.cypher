// Propagation (RWR) results on one network; returns how many went.
OPTIONAL MATCH (:Drug)-[r:PROPAGATES_TO {network: $network}]->(:Gene)
WITH collect(r) AS gone
FOREACH (r IN gone | DELETE r)
RETURN size(gone) AS n
