MATCH (d:Drug)-[r:PROXIMAL_TO]->(p:Pathway)
WHERE ($drug IS NULL OR d.name = $drug) AND ($network IS NULL OR r.network = $network)
RETURN d.name AS drug, p.id AS pathway, r.network AS network, r.distance AS distance,
       r.z AS z, r.p AS p, r.n_random AS n_random, r.seed AS seed, r.run AS run
