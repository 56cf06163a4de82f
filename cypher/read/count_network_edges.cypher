// Published edges of one network (0 when it has none).
OPTIONAL MATCH (n:Network {name: $network})
OPTIONAL MATCH ()-[r:INTERACTS_WITH {network: $network, version: n.version}]->()
RETURN count(r) AS n
