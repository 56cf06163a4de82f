MATCH ()-[r:INTERACTS_WITH {network: $network}]->()
RETURN count(r) AS n
