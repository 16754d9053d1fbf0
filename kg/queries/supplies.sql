-- supplies.rq answered from OUT/tables/supplies.parquet (kg.tables): the same rows, in the same order (ties
-- broken by every column). A side without a label is empty (NULL), as the SPARQL's OPTIONAL leaves it.
SELECT supplier, recipient, item, quantity, status, article FROM supplies
WHERE item IS NOT NULL AND status IS NOT NULL AND article IS NOT NULL
ORDER BY supplier NULLS FIRST, recipient NULLS FIRST, item, quantity NULLS FIRST, status, article
