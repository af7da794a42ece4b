/**
 * Zod schemas and enums shared by the API and the forms that call it, so a rule (a category
 * name, an id bound, what text the database can store) is written once.
 */
export { CATEGORIES, type Category, categorySchema } from './categories';
export {
  agentIdSchema,
  INT4_MAX,
  idSchema,
  isRowId,
  templateIdSchema,
  userIdSchema,
  workspaceIdSchema,
} from './ids';
export { MAX_BATCH_SIZE } from './limits';
export { safeNextPath } from './next-path';
export { isStorableText, STORABLE_TEXT_MESSAGE, text } from './text';
export { WORKSPACE_ROLES, type WorkspaceRoleName, workspaceRoleSchema } from './workspaces';
