// Drug / Pathway nodes created here carry no catalogue properties, so they stay unlisted.
UNWIND $rows AS row
MERGE (d:Drug {name: row.drug})
MERGE (p:Pathway {id: row.pathway})
CREATE (d)-[:PROXIMAL_TO {
  network: row.network, distance: row.distance, z: row.z, p: row.p,
  n_random: row.n_random, seed: row.seed, run: row.run
}]->(p)
