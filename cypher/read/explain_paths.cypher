// Every shortest path from each target of $drug to its nearest member gene(s) of $pathway,
// over the published version of $network: one row per path (the target, the gene symbols
// from the target to the pathway gene, and the path itself, which Neo4j Browser draws).
// A path to the Pathway node through HAS_MEMBER is shortest exactly when it reaches the
// nearest member, so ALL SHORTEST per (target, pathway) gives the paths behind d_c.
MATCH (n:Network {name: $network})
MATCH (:Drug {name: $drug})-[:TARGETS]->(t:Gene)
WITH DISTINCT n, t
MATCH (pw:Pathway {id: $pathway})
MATCH path = ALL SHORTEST (t)(()-[r:INTERACTS_WITH WHERE r.network = $network AND r.version = n.version]-())*(:Gene)<-[:HAS_MEMBER]-(pw)
RETURN t.symbol AS target, [g IN nodes(path)[..-1] | g.symbol] AS genes, path
