'use client';

import type { Category } from '@stash/db';
import { titleCase } from '~/lib/format';
import { type MarketplaceParams, SORT_OPTIONS, type SortBy } from '~/lib/marketplace-params';
import { api } from '~/trpc/react';

interface Props {
  value: MarketplaceParams;
  categories: readonly Category[];
  onChange(next: MarketplaceParams): void;
}

export function SearchControls({ value, categories, onChange }: Props) {
  const counts = api.marketplace.categories.useQuery();
  const countOf = (c: Category) => counts.data?.find((x) => x.category === c)?.count;
  return (
    <search>
      <form className="controls" onSubmit={(e) => e.preventDefault()}>
        <input
          type="search"
          name="q"
          placeholder="Search agents…"
          aria-label="Search agents"
          maxLength={100}
          value={value.query}
          onChange={(e) => onChange({ ...value, query: e.target.value })}
        />
        <select
          aria-label="Category"
          value={value.category ?? ''}
          onChange={(e) => onChange({ ...value, category: categories.find((c) => c === e.target.value) })}
        >
          <option value="">All categories</option>
          {categories.map((c) => (
            <option key={c} value={c}>
              {titleCase(c)}
              {countOf(c) === undefined ? '' : ` (${countOf(c)})`}
            </option>
          ))}
        </select>
        <select
          aria-label="Sort by"
          value={value.sortBy}
          onChange={(e) => {
            const sortBy = SORT_OPTIONS.find((o) => o.value === e.target.value)?.value;
            if (sortBy) onChange({ ...value, sortBy: sortBy satisfies SortBy });
          }}
        >
          {SORT_OPTIONS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </form>
    </search>
  );
}
