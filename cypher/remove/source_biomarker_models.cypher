// Every biomarker row of a model with a pathway of this source among its features;
// returns how many went.
OPTIONAL MATCH (:Pathway {source: $source})<-[b:BIOMARKER]-(:Drug)
WITH collect(DISTINCT b.model_id) AS models
OPTIONAL MATCH (:Drug)-[x:BIOMARKER]->()
WHERE x.model_id IN models
WITH collect(x) AS gone
FOREACH (x IN gone | DELETE x)
RETURN size(gone) AS n
