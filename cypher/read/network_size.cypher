// Edges and distinct genes of one network (every relationship is seen from both ends).
MATCH (g:Gene)-[r:INTERACTS_WITH {network: $network}]-()
RETURN count(r) / 2 AS edges, count(DISTINCT g) AS genes
