'use client';

interface Props {
  hasMore: boolean;
  loading: boolean;
  onLoad(): void;
}

export function LoadMore({ hasMore, loading, onLoad }: Props) {
  if (!hasMore) return null;
  return (
    <div className="load-more">
      <button type="button" className="button secondary" disabled={loading} onClick={onLoad}>
        {loading ? 'Loading…' : 'Load more'}
      </button>
    </div>
  );
}
