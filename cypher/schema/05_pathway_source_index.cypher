// Memberships are read per pathway source.
CREATE INDEX netmarker_pathway_source IF NOT EXISTS
FOR (p:Pathway) ON (p.source)
