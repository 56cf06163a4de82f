MATCH (p:Pathway)
WHERE p.source IS NOT NULL
RETURN p.id AS pathway, p.source AS source, p.url AS url
