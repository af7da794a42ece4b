'use client';

import type { Category } from '@stash/validators';
import { keepPreviousData } from '@tanstack/react-query';
import Link from 'next/link';
import { LoadMore } from '~/components/ui/load-more';
import { ListSkeleton } from '~/components/ui/skeleton';
import { formatDate, titleCase } from '~/lib/format';
import { templateListInput } from '~/lib/templates';
import { api } from '~/trpc/react';
import { stepsOf } from './steps';

export function TemplateList({ category }: { category: Category | undefined }) {
  const list = api.templates.list.useInfiniteQuery(templateListInput(category), {
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  if (list.isPending) return <ListSkeleton />;
  if (list.isError) return <p className="error">{list.error.message}</p>;
  const items = list.data.pages.flatMap((page) => page.items);
  if (items.length === 0) return <p className="muted">No templates in this category yet.</p>;
  return (
    <>
      <ul className={list.isPlaceholderData ? 'list loading' : 'list'} data-testid="template-list">
        {items.map((t) => {
          const steps = stepsOf(t.steps);
          const agents = new Set(steps.flatMap((s) => (s.agentSlug ? [s.agentSlug] : []))).size;
          return (
            <li key={t.id} className="list-row">
              <div className="grow">
                <Link href={`/templates/${t.id}`} className="row-title">
                  {t.name}
                </Link>
                <p className="muted small">{t.description}</p>
              </div>
              <span className="muted small row-meta">
                {!category && <span className="badge">{titleCase(t.category)}</span>} {steps.length} steps ·{' '}
                {agents} {agents === 1 ? 'agent' : 'agents'} · {formatDate(t.updatedAt)}
              </span>
            </li>
          );
        })}
      </ul>
      <LoadMore
        hasMore={list.hasNextPage}
        loading={list.isFetchingNextPage}
        onLoad={() => void list.fetchNextPage()}
      />
    </>
  );
}
