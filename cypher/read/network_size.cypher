// Edges and distinct genes of one network's published version (every relationship is seen
// from both ends).
MATCH (n:Network {name: $network})
MATCH (g:Gene)-[r:INTERACTS_WITH {network: $network, version: n.version}]-()
RETURN count(r) / 2 AS edges, count(DISTINCT g) AS genes
