// Listed pathways: those written by a load (source set).
MATCH (p:Pathway)
WHERE p.source IS NOT NULL
RETURN count(p) AS n
