-- who-said-what.rq answered from OUT/tables/claims.parquet (kg.tables): the same rows, in the same order
-- (ties broken by every column, so pages are stable). The WHERE keeps what the SPARQL requires.
SELECT speaker, kind, claim, date, article FROM claims
WHERE speaker IS NOT NULL AND kind IS NOT NULL AND claim IS NOT NULL AND article IS NOT NULL
ORDER BY speaker, article, claim, kind, date NULLS FIRST
