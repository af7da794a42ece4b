import { CATEGORIES } from '@stash/db';
import { TemplateBrowser } from '~/components/templates/template-browser';
import { TEMPLATE_PAGE_SIZE } from '~/lib/templates';
import { HydrateClient, trpc } from '~/trpc/server';

export const metadata = { title: 'Templates' };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function TemplatesPage({ searchParams }: Props) {
  const requested = (await searchParams).category;
  const category = CATEGORIES.find((c) => c === requested) ?? CATEGORIES[0];
  await trpc.templates.list.prefetchInfinite({ category, limit: TEMPLATE_PAGE_SIZE });
  return (
    <HydrateClient>
      <h1>Workflow templates</h1>
      <TemplateBrowser categories={CATEGORIES} initialCategory={category} />
    </HydrateClient>
  );
}
