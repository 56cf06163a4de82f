// Genes are keyed by HGNC symbol.
CREATE CONSTRAINT netmarker_gene_symbol IF NOT EXISTS
FOR (g:Gene) REQUIRE g.symbol IS UNIQUE
