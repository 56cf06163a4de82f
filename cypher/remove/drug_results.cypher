// Results of the given drugs of one type ($type: PROXIMAL_TO, PROPAGATES_TO or BIOMARKER,
// checked against that list here); returns how many went.
UNWIND $drugs AS name
OPTIONAL MATCH (:Drug {name: name})-[r]->()
WHERE type(r) = $type AND $type IN ['PROXIMAL_TO', 'PROPAGATES_TO', 'BIOMARKER']
WITH collect(r) AS gone
FOREACH (r IN gone | DELETE r)
RETURN size(gone) AS n
