// One batch of a staged propagation write-back (write_propagation in neo4j.py), sent as
// columns: $drugs / $targets name the batch's Drug and Gene nodes, looked up once each by
// their unique keys; $drug / $target index into them, one entry per row. Rows carry $write
// (a random integer): readers skip them until publish_propagation lists that write.
UNWIND range(0, size($drugs) - 1) AS i
MATCH (d:Drug {name: $drugs[i]})
WITH i, d
ORDER BY i
WITH collect(d) AS ds
UNWIND range(0, size($targets) - 1) AS j
MATCH (g:Gene {symbol: $targets[j]})
WITH ds, j, g
ORDER BY j
WITH ds, collect(g) AS gs
UNWIND range(0, size($drug) - 1) AS k
WITH ds[$drug[k]] AS d, gs[$target[k]] AS g, k
CREATE (d)-[:PROPAGATES_TO {
  network: $network, run: $run, write: $write, score: $score[k], rank: $rank[k]
}]->(g)
