// rows: [symbol, entrez]; a known Entrez id is never lost (the larger id string wins,
// as in the embedded store).
UNWIND $rows AS row
MERGE (g:Gene {symbol: row[0]})
SET g.entrez = CASE
  WHEN g.entrez IS NOT NULL AND g.entrez >= row[1] THEN g.entrez
  ELSE row[1]
END
