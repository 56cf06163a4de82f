// rows: [name, [synonym, ...]]; synonyms of a drug are united across loads.
UNWIND $rows AS row
MERGE (d:Drug {name: row[0]})
SET d.synonyms = reduce(
  acc = coalesce(d.synonyms, []), s IN row[1] | CASE WHEN s IN acc THEN acc ELSE acc + s END
)
