MATCH (d:Drug)-[t:TARGETS]->(g:Gene)
WHERE $drug IS NULL OR d.name = $drug
RETURN d.name AS drug, g.symbol AS gene, t.source AS source
