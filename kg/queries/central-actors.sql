-- central-actors.rq answered from OUT/tables/entities.parquet (kg.tables): the same rows, in the same order
-- (the 25 entities of highest PageRank, ties by IRI).
SELECT label AS entity, pagerank, degree, community
FROM (SELECT * FROM entities WHERE pagerank IS NOT NULL ORDER BY pagerank DESC, entity_id LIMIT 25)
WHERE degree IS NOT NULL AND label IS NOT NULL
ORDER BY pagerank DESC, entity_id
