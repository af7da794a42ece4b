import { CATEGORIES, type Category } from '@stash/validators';
import Link from 'next/link';
import { titleCase } from '~/lib/format';
import { templatesUrl } from '~/lib/templates';
import { TemplateList } from './template-list';

/**
 * Category tabs are links: each is a real URL, a new history entry (Back returns to the previous
 * tab) and a server render that prefetches its list.
 */
export function TemplateBrowser({ category }: { category: Category | undefined }) {
  const tabs: Array<{ value: Category | undefined; label: string }> = [
    { value: undefined, label: 'All' },
    ...CATEGORIES.map((c) => ({ value: c, label: titleCase(c) })),
  ];
  return (
    <section>
      <nav className="tabs" aria-label="Template categories">
        {tabs.map((tab) => (
          <Link
            key={tab.label}
            href={templatesUrl(tab.value)}
            scroll={false}
            className={tab.value === category ? 'tab active' : 'tab'}
            aria-current={tab.value === category ? 'page' : undefined}
          >
            {tab.label}
          </Link>
        ))}
      </nav>
      <TemplateList category={category} />
    </section>
  );
}
