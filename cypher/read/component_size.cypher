// How many genes the connected component of $gene holds in the published version of
// $network, counted up to $limit (the search stops there): one shortest path per gene
// reached is a breadth-first search from $gene.
MATCH (n:Network {name: $network})
MATCH (a:Gene {symbol: $gene})
MATCH p = ANY SHORTEST (a)(()-[r:INTERACTS_WITH WHERE r.network = $network AND r.version = n.version]-())*(g:Gene)
WITH g LIMIT $limit
RETURN count(g) AS reached
