// Listed drugs: those written by a load (synonyms set, possibly empty).
MATCH (d:Drug)
WHERE d.synonyms IS NOT NULL
RETURN count(d) AS n
