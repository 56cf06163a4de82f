// One row of three lists, one per column (gene_a, gene_b, score): far faster for the driver
// to decode than one record per edge. collect() skips nulls, so an unweighted edge's score
// is sent as NaN (read back as NaN, as the tables hold it).
// The network's published version only (a load stages the next one beside it).
MATCH (n:Network {name: $network})
MATCH (a:Gene)-[r:INTERACTS_WITH {network: $network, version: n.version}]->(b:Gene)
RETURN collect(a.symbol) AS gene_a, collect(b.symbol) AS gene_b,
       collect(coalesce(r.score, toFloat('NaN'))) AS score
