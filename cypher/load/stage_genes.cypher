// rows: [symbol]. Gene nodes for a network load's staged interactions. A new node has no
// `entrez` yet, so genes() does not list it until the load publishes.
UNWIND $rows AS row
MERGE (:Gene {symbol: row[0]})
