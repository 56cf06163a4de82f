// One row: `rows`, the proximity results of every drug to $pathway on $network, each as a
// map of the relationship's properties plus the drug and pathway names.
MATCH (d:Drug)-[r:PROXIMAL_TO {network: $network}]->(p:Pathway {id: $pathway})
RETURN collect(r {.*, drug: d.name, pathway: p.id}) AS rows
