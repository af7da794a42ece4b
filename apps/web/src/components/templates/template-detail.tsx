'use client';

import Link from 'next/link';
import { DetailSkeleton } from '~/components/ui/skeleton';
import { formatDate, titleCase } from '~/lib/format';
import { actionLabel, describeSetting } from '~/lib/step-config';
import { api } from '~/trpc/react';
import { stepsOf } from './steps';
import { UseTemplatePanel } from './use-template-panel';

export function TemplateDetail({ id }: { id: number }) {
  const template = api.templates.byId.useQuery({ id });
  if (template.isPending) return <DetailSkeleton />;
  if (template.isError) return <p className="error">{template.error.message}</p>;
  const t = template.data;
  const agentBySlug = new Map(t.agents.map((a) => [a.slug, a]));
  return (
    <article className="detail">
      <p className="breadcrumb">
        <Link href="/templates">Templates</Link> /{' '}
        <Link href={`/templates?category=${t.category}`}>{titleCase(t.category)}</Link>
      </p>
      <h1>{t.name}</h1>
      <p className="lead">{t.description}</p>
      <p className="muted small">
        by {t.author.name} · updated {formatDate(t.updatedAt)}
      </p>
      <UseTemplatePanel templateId={t.id} templateName={t.name} agentIds={t.agents.map((a) => a.id)} />
      <h2>Steps</h2>
      <ol className="steps" data-testid="steps">
        {stepsOf(t.steps).map((step) => {
          const agent = step.agentSlug ? agentBySlug.get(step.agentSlug) : undefined;
          return (
            <li key={step.position}>
              <strong>{step.name}</strong>
              <p className="step-what">
                {actionLabel(step.action)}
                {agent && (
                  <>
                    {' '}
                    with <Link href={`/agents/${agent.slug}`}>{agent.name}</Link>
                  </>
                )}
                {step.agentSlug && !agent && <span className="muted"> (agent no longer listed)</span>}
              </p>
              {step.config && Object.keys(step.config).length > 0 && (
                <dl className="config">
                  {Object.entries(step.config).map(([key, value]) => {
                    const setting = describeSetting(key, value);
                    return (
                      <div key={key}>
                        <dt>{setting.label}:</dt>
                        <dd>{setting.value}</dd>
                      </div>
                    );
                  })}
                </dl>
              )}
            </li>
          );
        })}
      </ol>
    </article>
  );
}
