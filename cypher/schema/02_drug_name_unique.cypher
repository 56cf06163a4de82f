// Drugs are keyed by their normalised (upper-case) name.
CREATE CONSTRAINT netmarker_drug_name IF NOT EXISTS
FOR (d:Drug) REQUIRE d.name IS UNIQUE
