// One row: `rows`, [other drug, pathway, z of $drug, z of the other drug] for every pathway
// that $drug and another drug both have proximity results for on $network. Published rows
// only (see proximity.cypher).
MATCH (a:Drug {name: $drug})-[ra:PROXIMAL_TO {network: $network}]->(p:Pathway)
WHERE ra.network + '/' + coalesce(toString(ra.write), '')
  IN coalesce(a.proximity_writes, [ra.network + '/'])
MATCH (p)<-[rb:PROXIMAL_TO {network: $network}]-(b:Drug)
WHERE b <> a
  AND rb.network + '/' + coalesce(toString(rb.write), '')
  IN coalesce(b.proximity_writes, [rb.network + '/'])
RETURN collect([b.name, p.id, ra.z, rb.z]) AS rows
