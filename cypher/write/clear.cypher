// Second step of `clear`: remove every netmarker node (and the few relationships left, which
// other data points at them), in batches; other data is kept.
MATCH (n)
WHERE n:Gene OR n:Drug OR n:Pathway OR n:Dataset OR n:Network
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
