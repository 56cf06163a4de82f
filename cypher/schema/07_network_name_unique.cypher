// One Network node per named network: `version` names its published interactions.
CREATE CONSTRAINT netmarker_network_name IF NOT EXISTS
FOR (n:Network) REQUIRE n.name IS UNIQUE
