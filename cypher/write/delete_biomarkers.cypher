// drugs whose biomarker modules are replaced.
UNWIND $drugs AS name
MATCH (:Drug {name: name})-[r:BIOMARKER]->()
DELETE r
