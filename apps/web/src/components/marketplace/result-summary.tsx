'use client';

import { titleCase } from '~/lib/format';
import type { MarketplaceParams } from '~/lib/marketplace-params';

const number = new Intl.NumberFormat('en');

interface Props {
  params: MarketplaceParams;
  /** Agents loaded so far. */
  loaded: number;
  hasMore: boolean;
  /** Published agents in the chosen category (or all), from the category counts. */
  categoryTotal: number | undefined;
}

/**
 * "1,204 agents in Coding" / "24+ agents match "analyst"" / "7 agents match "analyst"": exact
 * when it is known (no search text: the category counts; every page loaded: the list itself).
 */
export function ResultSummary({ params, loaded, hasMore, categoryTotal }: Props) {
  const query = params.query.trim();
  const where = params.category ? ` in ${titleCase(params.category)}` : '';
  let count: string;
  if (!query && categoryTotal !== undefined) count = number.format(categoryTotal);
  else count = hasMore ? `${number.format(loaded)}+` : number.format(loaded);
  const noun = count === '1' ? 'agent' : 'agents';
  const text = query ? `${count} ${noun} match “${query}”${where}` : `${count} ${noun}${where}`;
  return (
    <p className="result-summary muted" role="status" data-testid="result-count">
      {text}
    </p>
  );
}
