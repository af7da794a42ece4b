/** `Cache-Control` of every answer no cache may keep (user-scoped, errors, mutations). */
export const PRIVATE = 'private, no-store';
