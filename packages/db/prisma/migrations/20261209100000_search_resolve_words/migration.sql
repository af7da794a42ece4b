-- Search's word check and typo correction against the vocabulary, as a PL/pgSQL function.
-- Hand-written (a function).
--
-- Why: the statement is long (three candidate kinds, swap variants, correlated subqueries) and
-- runs once per uncached search. Sent as a parameterized statement it was planned on every call:
-- 4 ms of planning for 1 ms of execution, the biggest fixed cost of a search. PL/pgSQL keeps its
-- statements' plans for the connection, so after the first calls only the execution remains.
--
-- For each word of "words" (budgets[i] typos allowed for words[i], from the caller's typo budget;
-- the last word is also a prefix from min_prefix letters) it returns:
--   known  the word is a vocabulary word, shares a stem with one, or (the last word) starts one;
--   stop   it has no English stem (a stop word: "and", "the");
--   fix    for an unknown word, the best correction within its budget, comparing
--          kind 0: the word with whole vocabulary words,
--          kind 1: the last word with the starts of longer words, since it may be half typed
--                  ("sumarize" is one edit from "summarize", the start of "summarizer"),
--          kind 2: its stem with their stems ("sumarize" stems to "sumar", one edit from "summar").
-- Swapping two neighbouring letters counts as one edit, as in Meilisearch ("traige" is one typo
-- from "triage"; plain Levenshtein counts two): each swap variant of the word is compared too,
-- one edit already spent. Ties go to fewer edits, then the kind in that order, then the word more
-- agents use. Vocabulary rows of stop words (no stem) are never suggested. The words are letters
-- and digits only (the API normalizes them), so they cannot carry LIKE wildcards.
CREATE FUNCTION "search_resolve_words"("words" TEXT[], "budgets" INTEGER[], "min_prefix" INTEGER)
RETURNS TABLE ("i" INTEGER, "known" BOOLEAN, "stop" BOOLEAN, "fix" TEXT)
LANGUAGE plpgsql STABLE
AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
    -- MATERIALIZED: inlined, the swap variants' subquery was re-evaluated inside every
    -- comparison (about a second per query on the demo vocabulary instead of a few ms).
    WITH q AS MATERIALIZED (
      SELECT u.w, u.i::int AS i, u.i = cardinality("words") AS last, length(u.w) AS len, b.k,
             (SELECT min(l) FROM unnest(tsvector_to_array(to_tsvector('english'::regconfig, u.w))) AS l) AS stem,
             ARRAY(SELECT left(u.w, p - 1) || substr(u.w, p + 1, 1) || substr(u.w, p, 1) || substr(u.w, p + 2)
                   FROM generate_series(1, length(u.w) - 1) AS p) AS swaps
      FROM unnest("words") WITH ORDINALITY AS u(w, i)
      JOIN unnest("budgets") WITH ORDINALITY AS b(k, i) ON b.i = u.i
    ), checked AS (
      SELECT q.*,
        EXISTS (SELECT 1 FROM search_words s WHERE s.agents > 0 AND (s.word = q.w OR s.lexeme = q.stem))
        OR (q.last AND q.len >= "min_prefix"
            AND EXISTS (SELECT 1 FROM search_words s WHERE s.agents > 0 AND s.word LIKE q.w || '%')) AS known
      FROM q
    )
    SELECT c.i, c.known, c.stem IS NULL,
      CASE WHEN c.known OR c.k = 0 THEN NULL ELSE (
        SELECT f.fix FROM (
          SELECT s.word AS fix,
            least(levenshtein_less_equal(c.w, s.word, c.k),
              1 + (SELECT min(levenshtein_less_equal(v, s.word, c.k)) FROM unnest(c.swaps) AS v)) AS d,
            0 AS kind, s.agents
          FROM search_words s
          WHERE s.agents > 0 AND s.lexeme IS NOT NULL AND abs(length(s.word) - c.len) <= c.k
          UNION ALL
          SELECT left(s.word, c.len + j),
            least(levenshtein_less_equal(c.w, left(s.word, c.len + j), c.k),
              1 + (SELECT min(levenshtein_less_equal(v, left(s.word, c.len + j), c.k)) FROM unnest(c.swaps) AS v)),
            1, s.agents
          FROM search_words s, generate_series(-c.k, c.k) AS j
          WHERE c.last AND s.agents > 0 AND s.lexeme IS NOT NULL AND length(s.word) > c.len + j
          UNION ALL
          SELECT s.word, levenshtein_less_equal(c.stem, s.lexeme, c.k), 2, s.agents
          FROM search_words s
          WHERE c.stem IS NOT NULL AND s.agents > 0 AND abs(length(s.lexeme) - length(c.stem)) <= c.k
        ) AS f
        WHERE f.d <= c.k
        ORDER BY f.d, f.kind, f.agents DESC, f.fix
        LIMIT 1
      ) END
    FROM checked c
    ORDER BY c.i;
END $$;
