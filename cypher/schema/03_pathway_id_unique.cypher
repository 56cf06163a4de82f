// Pathways are keyed by their gene-set name, e.g. REACTOME_APOPTOSIS.
CREATE CONSTRAINT netmarker_pathway_id IF NOT EXISTS
FOR (p:Pathway) REQUIRE p.id IS UNIQUE
