'use client';

import type { Category } from '@stash/db';
import { keepPreviousData } from '@tanstack/react-query';
import Link from 'next/link';
import { LoadMore } from '~/components/ui/load-more';
import { formatDate } from '~/lib/format';
import { TEMPLATE_PAGE_SIZE } from '~/lib/templates';
import { api } from '~/trpc/react';
import { stepsOf } from './steps';

export function TemplateList({ category }: { category: Category }) {
  const list = api.templates.list.useInfiniteQuery(
    { category, limit: TEMPLATE_PAGE_SIZE },
    { getNextPageParam: (page) => page.nextCursor ?? undefined, placeholderData: keepPreviousData },
  );
  if (list.isPending) return <p className="muted">Loading templates…</p>;
  if (list.isError) return <p className="error">{list.error.message}</p>;
  const items = list.data.pages.flatMap((page) => page.items);
  if (items.length === 0) return <p className="muted">No templates in this category yet.</p>;
  return (
    <>
      <ul className={list.isPlaceholderData ? 'list loading' : 'list'}>
        {items.map((t) => (
          <li key={t.id} className="list-row">
            <div>
              <Link href={`/templates/${t.id}`} className="row-title">
                {t.name}
              </Link>
              <p className="muted small">{t.description}</p>
            </div>
            <span className="muted small nowrap">
              {stepsOf(t.steps).length} steps · {formatDate(t.updatedAt)}
            </span>
          </li>
        ))}
      </ul>
      <LoadMore
        hasMore={list.hasNextPage}
        loading={list.isFetchingNextPage}
        onLoad={() => void list.fetchNextPage()}
      />
    </>
  );
}
