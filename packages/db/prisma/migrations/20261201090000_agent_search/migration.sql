-- Search: a weighted full-text document per agent, and the vocabulary typo correction reads.
-- Hand-written: Prisma's diff cannot express a generated column, functions or triggers.

-- levenshtein() for typo tolerance (ships with PostgreSQL like pg_trgm; PGlite loads it too).
CREATE EXTENSION IF NOT EXISTS "fuzzystrmatch";

-- The agent's searchable text, one function so the generated column, the vocabulary and any
-- ad-hoc query agree. Name weighs A, tags B, the one-line description C (the README is not
-- searched). Each part is indexed twice: English stems match other forms of a word ("translate"
-- finds "Translator"), the unstemmed 'simple' words make prefixes typed past a stem match
-- ("translati" is not a prefix of the stem "translat", but is of "translation").
-- Tags may be NULL (the column has no NOT NULL): coalesce, or the whole document would be NULL.
-- IMMUTABLE is true for this body (fixed configurations; array_to_string of text[] is only
-- marked STABLE because other element types' output can depend on settings), and a generated
-- column requires it.
CREATE FUNCTION "agent_search_document"("name" TEXT, "tags" TEXT[], "description" TEXT)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT setweight(to_tsvector('english'::regconfig, "name") || to_tsvector('simple'::regconfig, "name"), 'A')
      || setweight(to_tsvector('english'::regconfig, coalesce(array_to_string("tags", ' '), ''))
                   || to_tsvector('simple'::regconfig, coalesce(array_to_string("tags", ' '), '')), 'B')
      || setweight(to_tsvector('english'::regconfig, "description")
                   || to_tsvector('simple'::regconfig, "description"), 'C')
$$;

ALTER TABLE "agents" ADD COLUMN "search_document" tsvector
  GENERATED ALWAYS AS (agent_search_document("name", "tags", "description")) STORED;

CREATE INDEX "agents_search_document_idx" ON "agents" USING GIN ("search_document");

-- The words of published agents (unstemmed, lower case) with their English stem and how many
-- agents use them: what a misspelled or half-typed word is compared with. Kept by the triggers
-- below, so it is never rebuilt by scanning every document (ts_stat) at query time.
CREATE TABLE "search_words" (
    "word" TEXT NOT NULL,
    -- English stem, NULL for stop words ("and", "the"), which are never suggested.
    "lexeme" TEXT,
    "agents" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "search_words_pkey" PRIMARY KEY ("word")
);

-- Prefix lookups (word LIKE 'summ%') whatever the database's collation.
CREATE INDEX "search_words_word_prefix_idx" ON "search_words" ("word" text_pattern_ops);
CREATE INDEX "search_words_lexeme_idx" ON "search_words" ("lexeme");

-- The searchable text of one agent as a single string: what the vocabulary is built from.
CREATE FUNCTION "agent_search_text"("name" TEXT, "tags" TEXT[], "description" TEXT)
RETURNS TEXT LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT "name" || ' ' || coalesce(array_to_string("tags", ' '), '') || ' ' || "description"
$$;

-- Adds `delta` agents to each word of the given texts (one text per agent; a word counts once
-- per agent because a tsvector holds each lexeme once).
CREATE FUNCTION "search_words_add"("texts" TEXT[], "delta" INTEGER) RETURNS void LANGUAGE sql AS $$
  INSERT INTO "search_words" ("word", "lexeme", "agents")
  SELECT w, (SELECT min(l) FROM unnest(tsvector_to_array(to_tsvector('english'::regconfig, w))) AS l),
         "delta" * count(*)
  FROM unnest("texts") AS t, unnest(tsvector_to_array(to_tsvector('simple'::regconfig, t))) AS w
  GROUP BY w
  ON CONFLICT ("word") DO UPDATE SET "agents" = "search_words"."agents" + excluded."agents"
$$;

-- Statement-level with a transition table: the seed inserts 2,000 agents per statement, and one
-- grouped upsert per statement costs far less than one per row.
CREATE FUNCTION "search_words_after_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM search_words_add(ARRAY(SELECT agent_search_text(n."name", n."tags", n."description")
                                 FROM new_rows n WHERE n."published"), 1);
  RETURN NULL;
END $$;

-- Row-level, and only when searchable text or visibility changed: installs update agents all the
-- time (install_count) and must not pay for this. Unpublished agents' words are not counted.
CREATE FUNCTION "search_words_after_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD."published" THEN
    PERFORM search_words_add(ARRAY[agent_search_text(OLD."name", OLD."tags", OLD."description")], -1);
  END IF;
  IF TG_OP = 'UPDATE' AND NEW."published" THEN
    PERFORM search_words_add(ARRAY[agent_search_text(NEW."name", NEW."tags", NEW."description")], 1);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "agents_search_words_insert" AFTER INSERT ON "agents"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_words_after_insert();

CREATE TRIGGER "agents_search_words_update" AFTER UPDATE OF "name", "tags", "description", "published" ON "agents"
  FOR EACH ROW
  WHEN (OLD."name" IS DISTINCT FROM NEW."name" OR OLD."tags" IS DISTINCT FROM NEW."tags"
        OR OLD."description" IS DISTINCT FROM NEW."description" OR OLD."published" IS DISTINCT FROM NEW."published")
  EXECUTE FUNCTION search_words_after_change();

CREATE TRIGGER "agents_search_words_delete" AFTER DELETE ON "agents"
  FOR EACH ROW EXECUTE FUNCTION search_words_after_change();

-- Agents that exist already (a demo database seeded before this migration).
SELECT search_words_add(ARRAY(SELECT agent_search_text("name", "tags", "description")
                              FROM "agents" WHERE "published"), 1);
