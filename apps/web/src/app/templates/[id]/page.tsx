import { notFound } from 'next/navigation';
import { TemplateDetail } from '~/components/templates/template-detail';
import { HydrateClient, prefetchErrorCode, trpc } from '~/trpc/server';

export default async function TemplatePage({ params }: { params: Promise<{ id: string }> }) {
  const id = Number((await params).id);
  if (!Number.isSafeInteger(id) || id < 1) notFound();
  await trpc.templates.byId.prefetch({ id });
  if (prefetchErrorCode('templates.byId', { id }) === 'NOT_FOUND') notFound();
  return (
    <HydrateClient>
      <TemplateDetail id={id} />
    </HydrateClient>
  );
}
