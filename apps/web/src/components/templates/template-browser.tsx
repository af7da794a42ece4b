'use client';

import type { Category } from '@stash/db';
import { useState } from 'react';
import { titleCase } from '~/lib/format';
import { TemplateList } from './template-list';

export function TemplateBrowser({
  categories,
  initialCategory,
}: {
  categories: readonly Category[];
  initialCategory: Category;
}) {
  const [category, setCategory] = useState(initialCategory);
  const choose = (next: Category) => {
    setCategory(next);
    window.history.replaceState(null, '', `/templates?category=${next}`);
  };
  return (
    <section>
      <div className="tabs" role="tablist" aria-label="Template categories">
        {categories.map((c) => (
          <button
            key={c}
            type="button"
            role="tab"
            aria-selected={c === category}
            className={c === category ? 'tab active' : 'tab'}
            onClick={() => choose(c)}
          >
            {titleCase(c)}
          </button>
        ))}
      </div>
      <TemplateList category={category} />
    </section>
  );
}
