import Markdown, { type Components } from 'react-markdown';

/**
 * An agent's README, rendered on the server (the Markdown parser never reaches the browser).
 * Safe by construction: react-markdown builds React elements, never HTML strings; `skipHtml`
 * drops raw HTML in the source instead of escaping it into view, and its default URL transform
 * removes `javascript:` and other unsafe link targets. Links leave the site without a referrer.
 */
const components: Components = {
  a: ({ href, children }) => (
    <a href={href} rel="nofollow noopener noreferrer" target="_blank">
      {children}
    </a>
  ),
  // The page's own headings are h1/h2; README headings sit one level below.
  h1: ({ children }) => <h3>{children}</h3>,
  h2: ({ children }) => <h3>{children}</h3>,
  img: () => null,
};

export function Readme({ markdown }: { markdown: string }) {
  return (
    <section className="readme" aria-labelledby="readme-heading" data-testid="readme">
      <h2 id="readme-heading">About this agent</h2>
      <Markdown skipHtml components={components}>
        {markdown}
      </Markdown>
    </section>
  );
}
