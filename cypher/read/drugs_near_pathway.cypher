// One row: `rows`, the proximity results of every drug to $pathway on $network, each as a
// map of the relationship's properties plus the drug and pathway names. Published rows only
// (see proximity.cypher).
MATCH (d:Drug)-[r:PROXIMAL_TO {network: $network}]->(p:Pathway {id: $pathway})
WHERE r.network + '/' + coalesce(toString(r.write), '')
  IN coalesce(d.proximity_writes, [r.network + '/'])
RETURN collect(r {.*, drug: d.name, pathway: p.id}) AS rows
