import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cacheRegistry } from '../src/cache-registry';
import { renderCachingDoc } from '../src/caching/docs';

const target = fileURLToPath(new URL('../../../docs/caching.md', import.meta.url));
writeFileSync(target, renderCachingDoc(cacheRegistry));
console.log(`wrote ${target}`);
