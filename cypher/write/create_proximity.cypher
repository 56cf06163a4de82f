// Drug / Pathway nodes created here carry no catalogue properties, so they stay unlisted.
// q: Benjamini-Hochberg q of p over the drug's pathways in the run.
UNWIND $rows AS row
MERGE (d:Drug {name: row.drug})
MERGE (p:Pathway {id: row.pathway})
CREATE (d)-[:PROXIMAL_TO {
  network: row.network, distance: row.distance, z: row.z, p: row.p, q: row.q,
  n_random: row.n_random, seed: row.seed, run: row.run
}]->(p)
