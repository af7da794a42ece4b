import type { RouterInputs } from '@stash/api';
import type { Category } from '@stash/validators';

export const TEMPLATE_PAGE_SIZE = 20;

/** One input for the server prefetch and the client list, so both use the same query key. */
export function templateListInput(category: Category | undefined): RouterInputs['templates']['list'] {
  return { limit: TEMPLATE_PAGE_SIZE, ...(category ? { category } : {}) };
}

export function templatesUrl(category: Category | undefined): string {
  return category ? `/templates?category=${category}` : '/templates';
}
