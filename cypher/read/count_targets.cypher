MATCH (:Drug)-[t:TARGETS]->(:Gene)
RETURN count(t) AS n
