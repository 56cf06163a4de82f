// keys: [drug, network] whose proximity results are replaced.
UNWIND $keys AS key
MATCH (:Drug {name: key[0]})-[r:PROXIMAL_TO {network: key[1]}]->(:Pathway)
DELETE r
