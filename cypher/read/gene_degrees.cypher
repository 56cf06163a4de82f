// Degree of each gene in $genes in the published version of $network (0: not in it).
MATCH (n:Network {name: $network})
UNWIND $genes AS symbol
OPTIONAL MATCH (g:Gene {symbol: symbol})
RETURN symbol,
       CASE WHEN g IS NULL THEN 0
            ELSE COUNT { (g)-[r:INTERACTS_WITH]-() WHERE r.network = $network AND r.version = n.version }
       END AS degree
