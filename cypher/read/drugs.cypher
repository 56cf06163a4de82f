MATCH (d:Drug)
WHERE d.synonyms IS NOT NULL
RETURN d.name AS drug, d.synonyms AS synonyms
