// One batch of a network load's staged version $version (see _stage_and_publish in
// neo4j.py), sent as columns: $genes names the batch's genes, looked up once each by their
// unique key; $a / $b index into them and $score holds the scores (null = unweighted), one
// entry per row. The rows are already the whole new version (this load's edges united with
// the published ones, max score per pair, in pandas), so they are CREATEd, not MERGEd: the
// version is new and no pair repeats. The index hint keeps the plan right when it is made
// while the graph is still empty.
UNWIND range(0, size($genes) - 1) AS i
MATCH (g:Gene {symbol: $genes[i]})
USING INDEX g:Gene(symbol)
WITH i, g
ORDER BY i
WITH collect(g) AS gs
UNWIND range(0, size($a) - 1) AS k
WITH gs[$a[k]] AS a, gs[$b[k]] AS b, k
CREATE (a)-[:INTERACTS_WITH {network: $network, version: $version, score: $score[k]}]->(b)
