// Edges of one network are read and counted by their network property.
CREATE INDEX netmarker_interacts_network IF NOT EXISTS
FOR ()-[r:INTERACTS_WITH]-() ON (r.network)
