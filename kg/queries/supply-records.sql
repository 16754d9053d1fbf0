-- supply-records.rq answered from OUT/tables (kg.tables): the same rows, in the same order. The table
-- gathered each record's quantities, statuses, dates and articles from its supply events when it was
-- made; within a cell the values are sorted (SPARQL leaves the order of GROUP_CONCAT open).
SELECT supplier, recipient, item,
       COALESCE(array_to_string(quantities, '; '), '') AS quantities,
       COALESCE(array_to_string(statuses, '; '), '') AS statuses,
       COALESCE(array_to_string(dates, '; '), '') AS dates,
       articles
FROM supply_records
WHERE supplier IS NOT NULL AND recipient IS NOT NULL AND item IS NOT NULL
ORDER BY articles DESC, supplier, recipient, item
