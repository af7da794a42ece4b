/**
 * The app's cache registry: every cached procedure of the app router by its mount path, and the
 * namespaces cached outside procedures. Built here from the router, once, as a plain value that
 * the runtime (engine namespaces), the HTTP handler (stored responses), the docs and the tests
 * import by name: nothing registers itself by being imported.
 */
import { MEMBERSHIPS } from './auth/membership';
import { SESSION_VERSIONS } from './auth/session-version';
import { caching } from './caching/caching';
import { PRIVATE_RESPONSE_NAMESPACE } from './private-response-cache';
import { RESPONSE_NAMESPACE } from './response-cache';
import { appRouter } from './root';

export const cacheRegistry = caching.registry(appRouter, {
  namespaces: [MEMBERSHIPS, SESSION_VERSIONS, RESPONSE_NAMESPACE, PRIVATE_RESPONSE_NAMESPACE],
});

/** Every cached procedure of the app, by path (the web app's route test reads this). */
export function registeredPolicies() {
  return cacheRegistry.policies();
}
