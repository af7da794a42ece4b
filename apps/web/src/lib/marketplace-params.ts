import type { RouterInputs } from '@stash/api';
import { CATEGORIES, type Category } from '@stash/validators';

export type SearchInput = RouterInputs['marketplace']['search'];
export type SortBy = NonNullable<SearchInput['sortBy']>;

export const SORT_OPTIONS = [
  { value: 'relevance', label: 'Best match' },
  { value: 'trending', label: 'Trending' },
  { value: 'installs', label: 'Most installed' },
  { value: 'rating', label: 'Top rated' },
  { value: 'newest', label: 'Newest' },
] as const satisfies ReadonlyArray<{ value: SortBy; label: string }>;

export const PAGE_SIZE = 24;
/** The API's limit on search text (longer text is shortened, and the page says so). */
export const MAX_QUERY_LENGTH = 100;

/** What the marketplace's URL holds; the same parse runs on the server and in the browser. */
export interface MarketplaceParams {
  query: string;
  category: Category | undefined;
  /** undefined: the default, Best match with search text and Trending without. */
  sortBy: SortBy | undefined;
}

/** The order the list is in: the chosen sort, or the default for the search text. */
export function effectiveSort(params: Pick<MarketplaceParams, 'query' | 'sortBy'>): SortBy {
  const hasQuery = params.query.trim() !== '';
  if (params.sortBy === 'relevance' && !hasQuery) return 'trending';
  return params.sortBy ?? (hasQuery ? 'relevance' : 'trending');
}

/** The sorts offered: Best match only means something with search text. */
export function sortOptionsFor(query: string) {
  return SORT_OPTIONS.filter((o) => o.value !== 'relevance' || query.trim() !== '');
}

type RawParams = Record<string, string | string[] | undefined>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Unknown categories (and sorts) fall back to the defaults instead of failing the page. */
export function parseMarketplaceParams(raw: RawParams): MarketplaceParams {
  const category = first(raw.category);
  const sort = first(raw.sort);
  return {
    query: (first(raw.q) ?? '').slice(0, MAX_QUERY_LENGTH),
    category: CATEGORIES.find((c) => c === category),
    sortBy: SORT_OPTIONS.find((o) => o.value === sort)?.value,
  };
}

/** The search input for one page of results (the cursor is added by the infinite query). */
export function searchInputOf(params: MarketplaceParams): Omit<SearchInput, 'cursor'> {
  // The API picks the default sort itself, so "no sort" and the default share one cache entry.
  return {
    query: params.query.trim(),
    ...(params.sortBy ? { sortBy: params.sortBy } : {}),
    limit: PAGE_SIZE,
    ...(params.category ? { category: params.category } : {}),
  };
}

export function marketplaceUrl(params: MarketplaceParams): string {
  const search = new URLSearchParams();
  if (params.query.trim()) search.set('q', params.query.trim());
  if (params.category) search.set('category', params.category);
  if (params.sortBy) search.set('sort', params.sortBy);
  const qs = search.toString();
  return qs ? `/?${qs}` : '/';
}
