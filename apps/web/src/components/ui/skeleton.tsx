import type { ReactNode } from 'react';

/** Grey placeholders in the shape of what is loading, so the page does not jump when it arrives. */
export function CardGridSkeleton({ count = 6 }: { count?: number }) {
  return (
    <ul className="card-grid" aria-hidden="true" data-testid="skeleton">
      {Array.from({ length: count }, (_, i) => (
        <li key={i}>
          <div className="card skeleton-card">
            <span className="skeleton line wide" />
            <span className="skeleton line" />
            <span className="skeleton line" />
            <span className="skeleton line short" />
          </div>
        </li>
      ))}
    </ul>
  );
}

export function ListSkeleton({ rows = 5 }: { rows?: number }) {
  return (
    <ul className="list" aria-hidden="true" data-testid="skeleton">
      {Array.from({ length: rows }, (_, i) => (
        <li key={i} className="list-row">
          <div className="grow">
            <span className="skeleton line wide" />
            <span className="skeleton line short" />
          </div>
        </li>
      ))}
    </ul>
  );
}

export function DetailSkeleton() {
  return (
    <div className="detail" aria-hidden="true" data-testid="skeleton">
      <span className="skeleton line short" />
      <span className="skeleton heading" />
      <span className="skeleton line wide" />
      <span className="skeleton line" />
      <span className="skeleton block" />
    </div>
  );
}

/** What a screen reader hears while a skeleton shows. */
export function Loading({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div aria-busy="true">
      <span className="visually-hidden" role="status">
        {label}
      </span>
      {children}
    </div>
  );
}
