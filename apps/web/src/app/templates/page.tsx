import { CATEGORIES } from '@stash/validators';
import { TemplateBrowser } from '~/components/templates/template-browser';
import { templateListInput } from '~/lib/templates';
import { HydrateClient, trpc } from '~/trpc/server';

export const metadata = {
  title: 'Templates',
  description: 'Ready-made workflows that chain agents together. Add one to a workspace in a click.',
};

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function TemplatesPage({ searchParams }: Props) {
  const requested = (await searchParams).category;
  // No (or an unknown) category: the All tab.
  const category = CATEGORIES.find((c) => c === requested);
  await trpc.templates.list.prefetchInfinite(templateListInput(category));
  return (
    <HydrateClient>
      <h1>Workflow templates</h1>
      <TemplateBrowser category={category} />
    </HydrateClient>
  );
}
