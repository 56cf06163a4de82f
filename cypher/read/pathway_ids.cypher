// Which of the given names are pathway ids (biomarker features point to a Pathway or a Gene).
UNWIND $names AS name
MATCH (p:Pathway {id: name})
RETURN p.id AS id
