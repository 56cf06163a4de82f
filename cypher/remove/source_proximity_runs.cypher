// Every proximity row of a run that scored a pathway of this source (the run's q-values
// were computed over it); returns how many went.
OPTIONAL MATCH (:Pathway {source: $source})<-[r:PROXIMAL_TO]-(:Drug)
WITH collect(DISTINCT r.run) AS runs
OPTIONAL MATCH (:Drug)-[x:PROXIMAL_TO]->(:Pathway)
WHERE x.run IN runs
WITH collect(x) AS gone
FOREACH (x IN gone | DELETE x)
RETURN size(gone) AS n
