-- quote-lineage.rq answered from OUT/tables/claim_clusters.parquet (kg.tables): the same rows, in the same order
-- (ties broken by every column). SPEAKER is any name of the speaker (label or alternative label, any case), as
-- in the SPARQL; left out or `*`, any.
-- optional: SPEAKER
WITH named AS (
  SELECT entity_id FROM entities
  WHERE lower(label) = lower($SPEAKER)
     OR list_contains(string_split(lower(array_to_string(aliases, chr(31))), chr(31)), lower($SPEAKER)))
SELECT speaker, cluster_id AS cluster, origins, articles, CAST(date AS VARCHAR) AS date, outlet, origin, earliest,
       claim, article
FROM claim_clusters
WHERE ($SPEAKER::VARCHAR IS NULL OR speaker_id IN (SELECT entity_id FROM named))
  AND speaker IS NOT NULL AND claim IS NOT NULL AND article IS NOT NULL
ORDER BY origins DESC, speaker, cluster, date NULLS FIRST, article, claim, outlet, origin, earliest
