/**
 * Names a profile frame from the Next build (`.next/server/chunks/*.js`, minified) by the source
 * it was built from, through the chunk's source map: `replay packages/api/src/response-cache.ts:222`
 * instead of `u _0bp2-li54req-._.js:71`. Node's own `SourceMap` does the lookup.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface Frame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber?: number;
}

const maps = new Map<string, SourceMap | null>();

function mapOf(file: string): SourceMap | null {
  let map = maps.get(file);
  if (map === undefined) {
    map = existsSync(`${file}.map`) ? new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8'))) : null;
    maps.set(file, map);
  }
  return map;
}

/** `name path:line` of the repository's source behind a build frame; null for other frames. */
export function sourceFrameOf(frame: Frame): string | null {
  if (!frame.url.includes('/.next/server/')) return null;
  const file = frame.url.startsWith('file:') ? fileURLToPath(frame.url) : frame.url;
  const entry = mapOf(file)?.findEntry(frame.lineNumber, frame.columnNumber ?? 0);
  if (!entry || !('originalSource' in entry)) return null;
  const source = decodeURIComponent(entry.originalSource).match(/(?:^|\/)((?:packages|apps)\/.*)$/)?.[1];
  if (!source) return null; // a dependency bundled into the chunk: Next's or a library's own bucket
  const name =
    ('name' in entry && typeof entry.name === 'string' && entry.name) || frame.functionName || '(anonymous)';
  return `${name} ${source}:${entry.originalLine + 1}`;
}
