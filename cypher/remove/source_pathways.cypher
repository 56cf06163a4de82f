// The pathways of one source with their memberships; returns how many of each went.
OPTIONAL MATCH (p:Pathway {source: $source})
OPTIONAL MATCH (p)-[m:HAS_MEMBER]->(:Gene)
WITH collect(DISTINCT p) AS paths, count(m) AS memberships
FOREACH (p IN paths | DETACH DELETE p)
RETURN size(paths) AS n, memberships
