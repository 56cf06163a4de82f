// Proximity results on one network; returns the drugs they belonged to and how many went.
OPTIONAL MATCH (d:Drug)-[r:PROXIMAL_TO {network: $network}]->(:Pathway)
WITH collect(DISTINCT d.name) AS drugs, collect(r) AS gone
FOREACH (r IN gone | DELETE r)
RETURN drugs, size(gone) AS n
