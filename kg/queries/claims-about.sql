-- claims-about.rq answered from OUT/tables (kg.tables): the same rows, in the same order (ties broken by every
-- column). ENTITY is any name of the entity (label or alternative label, any case), as in the SPARQL.
WITH named AS (
  SELECT entity_id FROM entities
  WHERE lower(label) = lower($ENTITY)
     OR EXISTS (SELECT 1 FROM unnest(aliases) AS a(name) WHERE lower(a.name) = lower($ENTITY)))
SELECT c.speaker, c.claim, c.article FROM claims c, unnest(c.mentions) AS m(entity_id)
WHERE m.entity_id IN (SELECT entity_id FROM named)
  AND c.speaker IS NOT NULL AND c.claim IS NOT NULL AND c.article IS NOT NULL
ORDER BY speaker, claim, article
