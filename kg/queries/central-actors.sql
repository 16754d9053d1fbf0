-- central-actors.rq answered from OUT/tables/entities.parquet (kg.tables): the same rows, in the same order
-- (the 25 entities of highest PageRank, ties by IRI). As in the SPARQL, the 25th-highest PageRank is found
-- first and only the entities at or above it are sorted by IRI too (sorting all by IRI took twice as long).
WITH cut AS (
  SELECT min(pagerank) AS at FROM (SELECT pagerank FROM entities WHERE pagerank IS NOT NULL
                                   ORDER BY pagerank DESC LIMIT 25))
SELECT label AS entity, pagerank, degree, community
FROM (SELECT entity_id, label, pagerank, degree, community FROM entities, cut WHERE pagerank >= cut.at
      ORDER BY pagerank DESC, entity_id LIMIT 25)
WHERE degree IS NOT NULL AND label IS NOT NULL
ORDER BY pagerank DESC, entity_id
