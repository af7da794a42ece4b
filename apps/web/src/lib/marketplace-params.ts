import type { RouterInputs } from '@stash/api';
import { CATEGORIES, type Category } from '@stash/validators';

export type SearchInput = RouterInputs['marketplace']['search'];
export type SortBy = NonNullable<SearchInput['sortBy']>;

export const SORT_OPTIONS = [
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
  sortBy: SortBy;
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
    sortBy: SORT_OPTIONS.find((o) => o.value === sort)?.value ?? 'trending',
  };
}

/** The search input for one page of results (the cursor is added by the infinite query). */
export function searchInputOf(params: MarketplaceParams): Omit<SearchInput, 'cursor'> {
  return {
    query: params.query.trim(),
    sortBy: params.sortBy,
    limit: PAGE_SIZE,
    ...(params.category ? { category: params.category } : {}),
  };
}

export function marketplaceUrl(params: MarketplaceParams): string {
  const search = new URLSearchParams();
  if (params.query.trim()) search.set('q', params.query.trim());
  if (params.category) search.set('category', params.category);
  if (params.sortBy !== 'trending') search.set('sort', params.sortBy);
  const qs = search.toString();
  return qs ? `/?${qs}` : '/';
}
