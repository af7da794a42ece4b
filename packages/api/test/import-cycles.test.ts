/**
 * No module of the API or of the caching packages imports itself back through others. A cycle
 * makes load order decide what a module sees (a `const` read before its module ran is
 * undefined), and it is how layers weld together: the caching code reaching into the app's
 * context was one. dependency-cruiser follows type-only imports too (`tsPreCompilationDeps`),
 * since they tie modules together just as much for a reader.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cruise } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

const packagesDir = fileURLToPath(new URL('../../', import.meta.url));
const SOURCES = ['api/src', 'cache/src', 'trpc-cache/src']
  .map((dir) => `${packagesDir}${dir}`)
  .filter((dir) => existsSync(dir));

describe('imports', () => {
  it('form no cycle in packages/api, packages/cache and packages/trpc-cache', async () => {
    const result = await cruise(
      SOURCES,
      {
        tsPreCompilationDeps: true,
        doNotFollow: { path: 'node_modules' },
        validate: true,
        ruleSet: {
          forbidden: [{ name: 'no-circular', severity: 'error', from: {}, to: { circular: true } }],
        },
      },
      undefined,
      { tsConfig: { fileName: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) } },
    );
    if (typeof result.output === 'string') throw new Error('dependency-cruiser returned text, not a result');
    const cycles = result.output.summary.violations.map((v) =>
      [v.from, ...(v.cycle ?? []).map((step) => step.name)].join(' -> '),
    );
    expect(result.output.summary.totalCruised).toBeGreaterThan(50);
    expect(cycles).toEqual([]);
  }, 60_000);
});
