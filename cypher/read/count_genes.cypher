// Listed genes: those written by a load (entrez set, possibly empty).
MATCH (g:Gene)
WHERE g.entrez IS NOT NULL
RETURN count(g) AS n
