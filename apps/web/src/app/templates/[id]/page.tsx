import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { TemplateDetail } from '~/components/templates/template-detail';
import { api, HydrateClient, prefetchErrorCode, prefetchedData, trpc } from '~/trpc/server';

type Props = { params: Promise<{ id: string }> };

/** Shared by the metadata and the page (React cache: one prefetch per request). */
const loadTemplate = cache(async (raw: string) => {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id < 1) notFound();
  await trpc.templates.byId.prefetch({ id });
  if (prefetchErrorCode(api.templates.byId, { id }) === 'NOT_FOUND') notFound();
  return { id, template: prefetchedData(api.templates.byId, { id }) };
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { template } = await loadTemplate((await params).id);
  if (!template) return { title: 'Template' };
  return { title: template.name, description: template.description };
}

export default async function TemplatePage({ params }: Props) {
  const { id } = await loadTemplate((await params).id);
  return (
    <HydrateClient>
      <TemplateDetail id={id} />
    </HydrateClient>
  );
}
