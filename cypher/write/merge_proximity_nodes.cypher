// First step of a proximity write-back: the Drug and Pathway nodes its rows point to, so the
// staging batches only look them up. Nodes made here carry no catalogue properties (no
// synonyms / source), so they stay unlisted.
UNWIND $drugs AS name
MERGE (:Drug {name: name})
WITH count(*) AS done
UNWIND $targets AS id
MERGE (:Pathway {id: id})
