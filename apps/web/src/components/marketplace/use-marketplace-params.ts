'use client';

import { useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';
import { type MarketplaceParams, marketplaceUrl, parseMarketplaceParams } from '~/lib/marketplace-params';

/** How long typing must pause before a search goes out: one request per pause, not per key. */
export const SEARCH_DEBOUNCE_MS = 350;

const sameParams = (a: MarketplaceParams, b: MarketplaceParams) =>
  a.query.trim() === b.query.trim() && a.category === b.category && a.sortBy === b.sortBy;

/**
 * The marketplace's filters, kept in the URL. Each committed change pushes a history entry (so
 * Back undoes a filter instead of leaving the site); Back/Forward feed the URL back into the
 * filters. The search box's text is committed only after typing pauses.
 */
export function useMarketplaceParams(initial: MarketplaceParams) {
  const [params, setParams] = useState(initial);
  const [text, setText] = useState(initial.query);
  const current = useRef(params);
  current.current = params;

  const commit = useCallback((next: MarketplaceParams) => {
    if (sameParams(next, current.current)) return;
    current.current = next;
    setParams(next);
    const url = marketplaceUrl(next);
    // Next keeps useSearchParams in step with pushState, without a server round trip.
    if (url !== `${window.location.pathname}${window.location.search}`)
      window.history.pushState(null, '', url);
  }, []);

  // Back/Forward: the URL is the truth; adopt it without pushing anything. On `popstate` at once
  // (Next's own update of useSearchParams waits for its navigation, seconds on a busy server),
  // and again when Next's search params change (a link to `/` while filtered). Both read the
  // address bar, so a late Next update can never bring back an older URL's filters.
  const adoptUrl = useCallback(() => {
    const fromUrl = parseMarketplaceParams(Object.fromEntries(new URLSearchParams(window.location.search)));
    if (sameParams(fromUrl, current.current)) return;
    current.current = fromUrl;
    setParams(fromUrl);
    setText(fromUrl.query);
  }, []);
  useEffect(() => {
    window.addEventListener('popstate', adoptUrl);
    return () => window.removeEventListener('popstate', adoptUrl);
  }, [adoptUrl]);
  const searchParams = useSearchParams();
  // searchParams is only the trigger: adoptUrl reads the address bar itself.
  useEffect(adoptUrl, [searchParams, adoptUrl]);

  // Typing: commit once the text has been still for SEARCH_DEBOUNCE_MS.
  useEffect(() => {
    if (text.trim() === current.current.query.trim()) return;
    const timer = setTimeout(() => commit({ ...current.current, query: text }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, commit]);

  const clear = useCallback(() => {
    setText('');
    commit({ query: '', category: undefined, sortBy: current.current.sortBy });
  }, [commit]);

  return { params, text, setText, commit, clear };
}
