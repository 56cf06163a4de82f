// keys: [drug, network] whose propagation modules are replaced.
UNWIND $keys AS key
MATCH (:Drug {name: key[0]})-[r:PROPAGATES_TO {network: key[1]}]->(:Gene)
DELETE r
