'use client';

import type { RouterOutputs } from '@stash/api';
import { CATEGORIES, type Category } from '@stash/validators';
import { useLayoutEffect, useRef } from 'react';
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
  const box = useRef<HTMLInputElement>(null);
  const hydrated = useRef(false);
  // The box is uncontrolled: the server's HTML takes keys before the app's scripts run, and React
  // would replace them with its state when it takes a controlled box over. So the first time,
  // what the box holds wins (keys typed early become the search); after that the box follows
  // `text` when it changes from elsewhere (Back, "clear filters").
  useLayoutEffect(() => {
    const node = box.current;
    if (!node) return;
    if (!hydrated.current) {
      hydrated.current = true;
      if (node.value !== text) return onText(node.value);
    }
    if (node.value !== text) node.value = text;
  }, [text, onText]);
  return (
    <search>
      <form className="controls" onSubmit={(e) => e.preventDefault()}>
        <input
          type="search"
          name="q"
          placeholder="Search agents…"
          aria-label="Search agents"
          maxLength={MAX_QUERY_LENGTH}
          ref={box}
          defaultValue={text}
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
