-- supply-records.rq answered from OUT/tables (kg.tables): the same rows, in the same order. Within a cell
-- the values are sorted (SPARQL leaves the order of GROUP_CONCAT open).
WITH evidence AS (
  SELECT r.supplier, r.recipient, r.item, s.article_id, s.status,
         COALESCE(s.quantity, '') AS quantity, COALESCE(s.when_date, CAST(s.date AS VARCHAR), '') AS stated
  FROM (SELECT supplier, recipient, item, unnest(supplies) AS supply_id FROM supply_records
        WHERE supplier IS NOT NULL AND recipient IS NOT NULL AND item IS NOT NULL) r
  JOIN supplies s ON s.supply_id = r.supply_id
  WHERE s.status IS NOT NULL AND s.article_id IS NOT NULL)
SELECT supplier, recipient, item,
       array_to_string(list_sort(list_distinct(list(quantity))), '; ') AS quantities,
       array_to_string(list_sort(list_distinct(list(status))), '; ') AS statuses,
       array_to_string(list_sort(list_distinct(list(stated))), '; ') AS dates,
       count(DISTINCT article_id) AS articles
FROM evidence
GROUP BY supplier, recipient, item
ORDER BY articles DESC, supplier, recipient, item
