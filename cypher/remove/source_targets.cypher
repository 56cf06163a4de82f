// Drug-target links of one source; returns the drugs that had one and how many links went.
OPTIONAL MATCH (d:Drug)-[t:TARGETS {source: $source}]->(:Gene)
WITH collect(DISTINCT d.name) AS drugs, collect(t) AS gone
FOREACH (t IN gone | DELETE t)
RETURN drugs, size(gone) AS n
