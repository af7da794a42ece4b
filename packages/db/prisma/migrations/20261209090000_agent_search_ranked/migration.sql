-- Search's matches come back scored and without their documents. Hand-written (a function).
--
-- Why: agent_search_matches returned whole agent_search rows. A function with a SET clause is
-- never inlined, so PostgreSQL first stored every match in a tuplestore, tsvector included, then
-- ranked the stored rows: for a word 13 % of 100,000 agents use, that was 12,700 documents
-- (~5 MB) written to a temporary file and read back, and the window count spilled them again.
-- Scoring inside the function reads each document once, in the heap page it was found on, and
-- passes on a few numbers per match. Measured on that search: 85-107 ms down to 28-48 ms.
--
-- Arguments, all chosen by the caller so the scoring formula stays in one place (full-text.ts):
--   "query"        which agents match (read through the GIN index, as before);
--   "rank_query"   what ts_rank scores (NULL: the sort needs no text rank, 0 is returned);
--   "weights", "normalization"   ts_rank's weights and normalization;
--   "terms"        the query's words one by one, to count how many each match matches (NULL:
--                  not needed, e.g. when every match matches every word; NULL is returned);
--   "in_category"  only agents in that category (NULL: any).
-- enable_seqscan = off is scoped to this statement for the reason agent_search_matches gave:
-- the planner over-estimates a last word searched as stem prefix OR word prefix, and would test
-- every document instead of reading the GIN index, which is never the worse choice here.
CREATE FUNCTION "agent_search_ranked"(
  "query" tsquery, "rank_query" tsquery, "weights" float4[], "normalization" INTEGER,
  "terms" tsquery[], "in_category" TEXT
)
RETURNS TABLE (
  "agent_id" INTEGER, "matched" INTEGER, "rank" REAL, "install_count" INTEGER,
  "trending_score" DOUBLE PRECISION, "rating" DOUBLE PRECISION, "created_at" TIMESTAMPTZ(3)
)
LANGUAGE sql STABLE PARALLEL SAFE
SET enable_seqscan = off
AS $$
  SELECT s."agent_id",
    CASE WHEN "terms" IS NULL THEN NULL
      ELSE (SELECT count(*)::int FROM unnest("terms") AS t WHERE s."document" @@ t) END,
    CASE WHEN "rank_query" IS NULL THEN 0::real
      ELSE ts_rank("weights", s."document", "rank_query", "normalization") END,
    s."install_count", s."trending_score", s."rating", s."created_at"
  FROM "agent_search" s
  WHERE s."document" @@ "query" AND ("in_category" IS NULL OR s."category" = "in_category")
$$;

DROP FUNCTION "agent_search_matches"(tsquery, TEXT);
