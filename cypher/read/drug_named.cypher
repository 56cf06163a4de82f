// rows: at most one [drug]: the Drug named $drug (by its unique key), else the first Drug by
// name that lists $drug among its synonyms. Only drugs a targets load wrote (synonyms set),
// as read/drugs lists them.
OPTIONAL MATCH (exact:Drug {name: $drug})
WHERE exact.synonyms IS NOT NULL
OPTIONAL MATCH (listed:Drug)
WHERE exact IS NULL AND $drug IN listed.synonyms
WITH exact, listed
ORDER BY listed.name
LIMIT 1
WITH coalesce(exact.name, listed.name) AS found
WHERE found IS NOT NULL
RETURN found
