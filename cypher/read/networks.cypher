// Networks with at least one completed load.
MATCH (d:Dataset {kind: 'network'})
WHERE d.complete = true
RETURN DISTINCT d.name AS name
ORDER BY name
