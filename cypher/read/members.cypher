MATCH (p:Pathway)-[:HAS_MEMBER]->(g:Gene)
WHERE $source IS NULL OR p.source = $source
RETURN p.id AS pathway, g.symbol AS gene
