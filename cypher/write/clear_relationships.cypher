// First step of `clear`: remove the relationships of every netmarker node, 10,000 per
// transaction (all of netmarker's relationships start at one of its nodes). Deleting nodes
// with DETACH DELETE right away would put every relationship of 10,000 genes (a million
// and more in a big network) into one transaction and overrun Neo4j's transaction memory.
MATCH (n)-[r]->()
WHERE n:Gene OR n:Drug OR n:Pathway OR n:Dataset
CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS
