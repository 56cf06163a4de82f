// One batch of a staged proximity write-back (write_proximity in neo4j.py), sent as columns:
// $drugs / $targets name the batch's Drug and Pathway nodes, looked up once each by their
// unique keys; $drug / $target index into them, one entry per row, next to the value columns.
// Rows carry $write (a random integer): readers skip them until publish_proximity lists
// that write on the drug.
UNWIND range(0, size($drugs) - 1) AS i
MATCH (d:Drug {name: $drugs[i]})
WITH i, d
ORDER BY i
WITH collect(d) AS ds
UNWIND range(0, size($targets) - 1) AS j
MATCH (p:Pathway {id: $targets[j]})
WITH ds, j, p
ORDER BY j
WITH ds, collect(p) AS ps
UNWIND range(0, size($drug) - 1) AS k
WITH ds[$drug[k]] AS d, ps[$target[k]] AS p, k
CREATE (d)-[:PROXIMAL_TO {
  network: $network, run: $run, write: $write, distance: $distance[k], z: $z[k], p: $p[k],
  n_random: $n_random[k], seed: $seed[k]
}]->(p)
