MATCH (d:Drug)-[r:PROPAGATES_TO]->(g:Gene)
WHERE ($drug IS NULL OR d.name = $drug) AND ($network IS NULL OR r.network = $network)
RETURN d.name AS drug, g.symbol AS gene, r.network AS network, r.score AS score,
       r.rank AS rank, r.run AS run
