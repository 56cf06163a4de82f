// One row: `rows`, [other drug, pathway, z of $drug, z of the other drug] for every pathway
// that $drug and another drug both have proximity results for on $network.
MATCH (a:Drug {name: $drug})-[ra:PROXIMAL_TO {network: $network}]->(p:Pathway)
MATCH (p)<-[rb:PROXIMAL_TO {network: $network}]-(b:Drug)
WHERE b <> a
RETURN collect([b.name, p.id, ra.z, rb.z]) AS rows
