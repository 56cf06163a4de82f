// First step of a propagation write-back: the Drug and Gene nodes its rows point to, so the
// staging batches only look them up. Nodes made here carry no catalogue properties (no
// synonyms / entrez), so they stay unlisted.
UNWIND $drugs AS name
MERGE (:Drug {name: name})
WITH count(*) AS done
UNWIND $targets AS symbol
MERGE (:Gene {symbol: symbol})
