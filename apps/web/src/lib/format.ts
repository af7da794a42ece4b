const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
const dateFormat = new Intl.DateTimeFormat('en', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});

export function formatCount(n: number): string {
  return compact.format(n);
}

export function formatDate(date: Date): string {
  return dateFormat.format(date);
}

export function formatRating(rating: number): string {
  return rating.toFixed(1);
}

export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

export function titleCase(slug: string): string {
  return slug.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => (dash ? ' ' : '') + c.toUpperCase());
}
