MATCH (g:Gene)
WHERE g.entrez IS NOT NULL
RETURN g.symbol AS symbol, g.entrez AS entrez
