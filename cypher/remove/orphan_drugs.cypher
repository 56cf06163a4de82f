// Of the given drugs, those left without any target link (and listed: synonyms set) go;
// their results are already removed. Returns how many went.
UNWIND $drugs AS name
OPTIONAL MATCH (d:Drug {name: name})
WHERE d.synonyms IS NOT NULL AND NOT (d)-[:TARGETS]->()
WITH collect(d) AS gone
FOREACH (d IN gone | DETACH DELETE d)
RETURN size(gone) AS n
