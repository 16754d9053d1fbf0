-- supply-records.rq answered from OUT/tables (kg.tables): the same rows, in the same order. Within a cell
-- the values are sorted (SPARQL leaves the order of GROUP_CONCAT open).
WITH evidence AS (
  SELECT r.supplier, r.recipient, r.item, s.article_id, s.status,
         COALESCE(s.quantity, '') AS quantity, COALESCE(s.when_date, CAST(s.date AS VARCHAR), '') AS stated
  FROM supply_records r, unnest(r.supplies) AS u(supply_id)
  JOIN supplies s ON s.supply_id = u.supply_id
  WHERE r.supplier IS NOT NULL AND r.recipient IS NOT NULL AND r.item IS NOT NULL
    AND s.status IS NOT NULL AND s.article_id IS NOT NULL)
SELECT supplier, recipient, item,
       array_to_string(list_sort(list_distinct(list(quantity))), '; ') AS quantities,
       array_to_string(list_sort(list_distinct(list(status))), '; ') AS statuses,
       array_to_string(list_sort(list_distinct(list(stated))), '; ') AS dates,
       count(DISTINCT article_id) AS articles
FROM evidence
GROUP BY supplier, recipient, item
ORDER BY articles DESC, supplier, recipient, item
