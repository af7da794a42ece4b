/** How the HTTP benchmark asks the Next app for each of its variants (paths, headers). */
import { get, type Target } from './load';
import { signedInTarget } from './signed-in';
import {
  NEXT_CONSTANT_PATH,
  NEXT_CONSTANT_SAME_URL_PATH,
  NEXT_TRPC_CONSTANT_PATH,
  type NextVariant,
} from './variants';

/** The ETag of the stored search response (after one request that stores it). */
async function etagOf(url: string): Promise<string> {
  await get({ variant: 'next-api', url, headers: {} });
  const { etag } = await get({ variant: 'next-api', url, headers: {} });
  if (!etag) throw new Error('next-api: no ETag on marketplace.search');
  return etag;
}

/** How the benchmark asks the Next app for one of its variants (`cookie`: the signed-in rows'). */
export async function nextTarget(variant: NextVariant, url: string, cookie: string): Promise<Target> {
  switch (variant) {
    case 'next-constant':
      return { variant, url, headers: {}, path: NEXT_CONSTANT_PATH };
    case 'next-constant-same-url':
      return { variant, url, headers: {}, path: NEXT_CONSTANT_SAME_URL_PATH };
    case 'next-api':
      return { variant, url, headers: {} };
    case 'next-trpc-constant':
      return { variant, url, headers: {}, path: NEXT_TRPC_CONSTANT_PATH };
    case 'next-api-304':
      return { variant, url, headers: { 'if-none-match': await etagOf(url) } };
    case 'next-ws-byid':
    case 'next-ws-mine':
      return signedInTarget(variant, url, cookie);
  }
}
