'use client';

import Link from 'next/link';
import { formatDate, titleCase } from '~/lib/format';
import { api } from '~/trpc/react';
import { stepsOf } from './steps';

export function TemplateDetail({ id }: { id: number }) {
  const template = api.templates.byId.useQuery({ id });
  if (template.isPending) return <p className="muted">Loading…</p>;
  if (template.isError) return <p className="error">{template.error.message}</p>;
  const t = template.data;
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
      <h2>Steps</h2>
      <ol className="steps">
        {stepsOf(t.steps).map((step) => (
          <li key={step.position}>
            <strong>{step.name}</strong> <code>{step.action}</code>
            {step.agentSlug && (
              <>
                {' '}
                with <Link href={`/agents/${step.agentSlug}`}>{step.agentSlug}</Link>
              </>
            )}
            {step.config && Object.keys(step.config).length > 0 && (
              <dl className="config">
                {Object.entries(step.config).map(([k, v]) => (
                  <div key={k}>
                    <dt>{k}</dt>
                    <dd>{String(v)}</dd>
                  </div>
                ))}
              </dl>
            )}
          </li>
        ))}
      </ol>
    </article>
  );
}
