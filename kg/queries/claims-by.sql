-- claims-by.rq answered from OUT/tables (kg.tables): the same rows, in the same order (ties broken by every
-- column). SPEAKER is any name of the speaker (label or alternative label, any case), as in the SPARQL.
WITH named AS (
  SELECT entity_id FROM entities
  WHERE lower(label) = lower($SPEAKER)
     OR EXISTS (SELECT 1 FROM unnest(aliases) AS a(name) WHERE lower(a.name) = lower($SPEAKER)))
SELECT DISTINCT speaker, kind, claim, date, title, article FROM claims
WHERE speaker_id IN (SELECT entity_id FROM named)
  AND speaker IS NOT NULL AND kind IS NOT NULL AND claim IS NOT NULL AND article IS NOT NULL
ORDER BY date NULLS FIRST, article, claim, speaker, kind, title NULLS FIRST
