'use client';

import { titleCase } from '~/lib/format';
import type { MarketplaceParams } from '~/lib/marketplace-params';

const number = new Intl.NumberFormat('en');
/** An estimate shows two significant digits: it is within about 25 %, often 10 %. */
const estimate = new Intl.NumberFormat('en', { maximumSignificantDigits: 2 });

interface Props {
  params: MarketplaceParams;
  /** Agents loaded so far. */
  loaded: number;
  hasMore: boolean;
  /** Published agents in the chosen category (or all), from the category counts. */
  categoryTotal: number | undefined;
  /** Number of matches of the search text, cached with the first page. */
  searchTotal: number | null | undefined;
  /** The API estimated searchTotal (hundreds of matches or more): shown as "about N". */
  searchTotalIsEstimate: boolean | undefined;
  /** The words searched for when the API corrected some ("sumarize" -> "summarize"). */
  correctedQuery: string | null | undefined;
}

/**
 * "1,204 agents in Coding" / "286 agents match "translate"" / "about 13,000 agents match "data"":
 * no search text: the category counts; search text: the API's total, exact or, for a search
 * matching many agents, an estimate said to be one; "24+" only while neither is known. When the
 * API corrected the words, a second line says what was searched for.
 */
export function ResultSummary({
  params,
  loaded,
  hasMore,
  categoryTotal,
  searchTotal,
  searchTotalIsEstimate,
  correctedQuery,
}: Props) {
  const query = params.query.trim();
  const where = params.category ? ` in ${titleCase(params.category)}` : '';
  const known = query ? searchTotal : categoryTotal;
  let count: string;
  if (query && searchTotalIsEstimate && searchTotal) count = `about ${estimate.format(searchTotal)}`;
  else if (known !== undefined && known !== null) count = number.format(known);
  else count = hasMore ? `${number.format(loaded)}+` : number.format(loaded);
  const noun = count === '1' ? 'agent' : 'agents';
  const text = query ? `${count} ${noun} match “${query}”${where}` : `${count} ${noun}${where}`;
  return (
    <>
      <p className="result-summary muted" role="status" data-testid="result-count">
        {text}
      </p>
      {query && correctedQuery && (
        <p className="corrected-query" data-testid="corrected-query">
          Showing results for <em>{correctedQuery}</em>
        </p>
      )}
    </>
  );
}
