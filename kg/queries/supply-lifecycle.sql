-- supply-lifecycle.rq answered from OUT/tables (kg.tables): the same rows, in the same order (ties broken by
-- every column). SUPPLIER and RECIPIENT are any of their names (label or alternative label, any case), as in
-- the SPARQL; left out or `*`, any.
-- optional: SUPPLIER RECIPIENT
WITH named AS (
  SELECT entity_id, lower(label) AS name FROM entities
  UNION ALL SELECT entity_id, lower(unnest(aliases)) FROM entities)
SELECT supplier, recipient, item, stage, date, date_from, status, quantity, asserter, article, contested
FROM supply_stages
WHERE ($SUPPLIER::VARCHAR IS NULL OR supplier_id IN (SELECT entity_id FROM named WHERE name = lower($SUPPLIER)))
  AND ($RECIPIENT::VARCHAR IS NULL OR recipient_id IN (SELECT entity_id FROM named WHERE name = lower($RECIPIENT)))
  AND article IS NOT NULL
ORDER BY supplier, recipient, item, record_id, stage, asserter, date NULLS FIRST, date_from, status,
         quantity NULLS FIRST, article, contested
