-- claims-per-speaker.rq answered from OUT/tables/claims.parquet (kg.tables): the same rows, in the same order.
SELECT speaker, count(DISTINCT claim_id) AS claims, count(DISTINCT article_id) AS articles FROM claims
WHERE speaker IS NOT NULL AND article_id IS NOT NULL
GROUP BY speaker
ORDER BY claims DESC, speaker
