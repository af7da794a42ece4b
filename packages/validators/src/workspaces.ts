import { z } from 'zod';

/** Mirrors the database enum `WorkspaceRole`. */
export const WORKSPACE_ROLES = ['OWNER', 'MEMBER'] as const;
export type WorkspaceRoleName = (typeof WORKSPACE_ROLES)[number];

export const workspaceRoleSchema = z.enum(WORKSPACE_ROLES, {
  error: () => `Unknown role; use one of: ${WORKSPACE_ROLES.join(', ')}`,
});
