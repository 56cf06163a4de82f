// Which genes of $genes lie in the connected component of $gene in the published version of
// $network (one shortest path from $gene to each, if any).
MATCH (n:Network {name: $network})
MATCH (a:Gene {symbol: $gene})
MATCH p = ANY SHORTEST (a)(()-[r:INTERACTS_WITH WHERE r.network = $network AND r.version = n.version]-())*(g:Gene WHERE g.symbol IN $genes)
RETURN collect(DISTINCT g.symbol) AS reached
