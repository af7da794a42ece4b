'use client';

import type { RouterOutputs } from '@stash/api';
import { CATEGORIES, type Category } from '@stash/validators';
import { titleCase } from '~/lib/format';
import {
  effectiveSort,
  MAX_QUERY_LENGTH,
  type MarketplaceParams,
  SORT_OPTIONS,
  sortOptionsFor,
} from '~/lib/marketplace-params';

interface Props {
  value: MarketplaceParams;
  /** What the search box shows; committed to `value.query` once typing pauses. */
  text: string;
  counts: RouterOutputs['marketplace']['categories'] | undefined;
  onText(text: string): void;
  onChange(next: MarketplaceParams): void;
}

export function SearchControls({ value, text, counts, onText, onChange }: Props) {
  const countOf = (c: Category) => counts?.find((x) => x.category === c)?.count;
  return (
    <search>
      <form className="controls" onSubmit={(e) => e.preventDefault()}>
        <input
          type="search"
          name="q"
          placeholder="Search agents…"
          aria-label="Search agents"
          maxLength={MAX_QUERY_LENGTH}
          value={text}
          onChange={(e) => onText(e.target.value)}
        />
        <select
          aria-label="Category"
          value={value.category ?? ''}
          onChange={(e) => onChange({ ...value, category: CATEGORIES.find((c) => c === e.target.value) })}
        >
          <option value="">All categories</option>
          {CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {titleCase(c)}
              {countOf(c) === undefined ? '' : ` (${countOf(c)})`}
            </option>
          ))}
        </select>
        <select
          aria-label="Sort by"
          value={effectiveSort(value)}
          onChange={(e) => {
            const sortBy = SORT_OPTIONS.find((o) => o.value === e.target.value)?.value;
            if (sortBy) onChange({ ...value, sortBy });
          }}
        >
          {sortOptionsFor(value.query).map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </form>
    </search>
  );
}
