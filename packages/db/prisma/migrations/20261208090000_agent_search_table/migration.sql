-- Search reads a narrow table instead of agents: one row per PUBLISHED agent with its search
-- document and the columns search sorts by, and nothing else. Hand-written (triggers).
--
-- Why: an agent row carries its README (~1.5 KB inline), so a search for a common word
-- ("pagerduty": ~5 % of 100,000 agents) read most of the 156 MB agents table to rank its matches.
-- Here a row is ~450 bytes (~50 MB for 100,000 agents), so the matches' pages are fewer and stay
-- in shared buffers. Full agent rows are read for the page of results only.
CREATE TABLE "agent_search" (
    "agent_id" INTEGER NOT NULL,
    "category" TEXT NOT NULL,
    "document" tsvector NOT NULL,
    -- Copies of agents' columns that search sorts or scores by, kept by the triggers below.
    "install_count" INTEGER NOT NULL,
    "trending_score" DOUBLE PRECISION NOT NULL,
    "rating" DOUBLE PRECISION NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "agent_search_pkey" PRIMARY KEY ("agent_id"),
    -- Deleting an agent deletes its row, no trigger needed.
    CONSTRAINT "agent_search_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE
-- Room on each page so an install (which changes install_count, no indexed column) is a HOT
-- update that writes no index entry.
) WITH (fillfactor = 90);

CREATE INDEX "agent_search_document_idx" ON "agent_search" USING GIN ("document");

-- The document now lives only here: the generated column cost every agent write a second
-- tsvector and GIN entry, and widened the rows every other agents query reads.
DROP INDEX "agents_search_document_idx";
ALTER TABLE "agents" DROP COLUMN "search_document";

INSERT INTO "agent_search" ("agent_id", "category", "document", "install_count", "trending_score", "rating", "created_at")
SELECT "id", "category", agent_search_document("name", "tags", "description"),
       "install_count", "trending_score", "rating", "created_at"
FROM "agents" WHERE "published";

-- Statement-level with transition tables, like the vocabulary's insert trigger: the seed inserts
-- 2,000 agents per statement, and one INSERT … SELECT per statement costs far less than one per row.
CREATE FUNCTION "agent_search_after_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "agent_search" ("agent_id", "category", "document", "install_count", "trending_score", "rating", "created_at")
  SELECT n."id", n."category", agent_search_document(n."name", n."tags", n."description"),
         n."install_count", n."trending_score", n."rating", n."created_at"
  FROM new_rows n WHERE n."published";
  RETURN NULL;
END $$;

-- Every UPDATE of agents (installs included) comes through here, so the common case is cheap:
-- the document is recomputed only when name, tags or description changed; otherwise the row
-- keeps its tsvector and the update is HOT. Unpublishing removes the row, publishing adds it.
-- (A column list cannot be combined with transition tables, hence no `UPDATE OF`.)
CREATE FUNCTION "agent_search_after_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "agent_search" s USING new_rows n WHERE s."agent_id" = n."id" AND NOT n."published";

  UPDATE "agent_search" s SET
    "category" = n."category",
    "install_count" = n."install_count",
    "trending_score" = n."trending_score",
    "rating" = n."rating",
    "created_at" = n."created_at",
    "document" = CASE
      WHEN (o."name", o."tags", o."description") IS NOT DISTINCT FROM (n."name", n."tags", n."description")
      THEN s."document"
      ELSE agent_search_document(n."name", n."tags", n."description") END
  FROM new_rows n JOIN old_rows o ON o."id" = n."id"
  WHERE s."agent_id" = n."id" AND n."published";

  INSERT INTO "agent_search" ("agent_id", "category", "document", "install_count", "trending_score", "rating", "created_at")
  SELECT n."id", n."category", agent_search_document(n."name", n."tags", n."description"),
         n."install_count", n."trending_score", n."rating", n."created_at"
  FROM new_rows n WHERE n."published"
  ON CONFLICT ("agent_id") DO NOTHING;
  RETURN NULL;
END $$;

CREATE TRIGGER "agents_search_insert" AFTER INSERT ON "agents"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION agent_search_after_insert();

CREATE TRIGGER "agents_search_update" AFTER UPDATE ON "agents"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION agent_search_after_update();

-- The rows whose document matches `query` (in `category` when given), always read through the
-- GIN index. The planner counts a query's operands as independent, and the last word is searched
-- as English stem prefix OR plain-word prefix (two operands for the same agents), so it estimates
-- about twice the matches there are; with the default random_page_cost it then scans the whole
-- table and tests every document (~3x slower for a word 5 % of agents use). The index is never
-- worse here: a search matching most agents still ranks every match. A function is the one
-- place a planner setting can be scoped to these statements without a transaction around them.
CREATE FUNCTION "agent_search_matches"("query" tsquery, "in_category" TEXT)
RETURNS SETOF "agent_search" LANGUAGE sql STABLE PARALLEL SAFE
SET enable_seqscan = off
AS $$
  SELECT * FROM "agent_search" s
  WHERE s."document" @@ "query" AND ("in_category" IS NULL OR s."category" = "in_category")
$$;
