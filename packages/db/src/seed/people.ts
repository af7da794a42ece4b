import type { Faker } from '@faker-js/faker';
import { DEMO_USER_PROFILES, REFERENCE_DATE, SEED_WINDOW_MS, type SeedOptions } from './options';
import { type MemberRow, slugify, type UserRow, type WorkspaceRow } from './rows';

export type People = { users: UserRow[]; workspaces: WorkspaceRow[]; members: MemberRow[] };

const windowStart = new Date(REFERENCE_DATE.getTime() - SEED_WINDOW_MS);

function dateIn(f: Faker, from: Date = windowStart): string {
  return f.date.between({ from, to: REFERENCE_DATE }).toISOString();
}

/**
 * Users, workspaces and memberships. Workspace w is owned by user ((w - 1) mod users) + 1, so ada
 * (user 1) owns workspace 1 and grace (user 2) owns workspace 2; ada is then added to workspace 2
 * and grace kept out of workspace 1 (see DEMO_USER_PROFILES).
 */
export function generatePeople(f: Faker, opts: SeedOptions, passwordHash: string): People {
  const users: UserRow[] = [];
  for (let id = 1; id <= opts.users; id++) {
    const demo = DEMO_USER_PROFILES[id - 1];
    const first = f.person.firstName();
    const last = f.person.lastName();
    users.push({
      id,
      // The id suffix keeps generated emails unique whatever names faker repeats.
      email: demo?.email ?? `${slugify(`${first}.${last}`).replace(/-/g, '.')}.${id}@example.com`,
      name: demo?.name ?? `${first} ${last}`,
      password_hash: passwordHash,
      created_at: dateIn(f),
    });
  }

  const workspaces: WorkspaceRow[] = [];
  const members: MemberRow[] = [];
  for (let id = 1; id <= opts.workspaces; id++) {
    const name = id === 1 ? 'Analytical Engines' : id === 2 ? 'Compiler Crew' : f.company.name();
    const createdAt = dateIn(f);
    workspaces.push({ id, slug: `${slugify(name)}-${id}`, name, created_at: createdAt });

    const ownerId = ((id - 1) % opts.users) + 1;
    const memberIds = new Set<number>([ownerId]);
    members.push({ workspace_id: id, user_id: ownerId, role: 'OWNER', joined_at: createdAt });
    const wanted = f.number.int({ min: 1, max: Math.min(6, opts.users - 1) });
    if (id === 2 && ownerId !== 1) memberIds.add(1); // ada is a member of grace's workspace
    for (let tries = 0; memberIds.size < wanted + 1 && tries < 50; tries++) {
      const userId = f.number.int({ min: 1, max: opts.users });
      if (id === 1 && userId === 2) continue; // grace stays out of ada's workspace
      memberIds.add(userId);
    }
    for (const userId of memberIds) {
      if (userId === ownerId) continue;
      members.push({
        workspace_id: id,
        user_id: userId,
        role: 'MEMBER',
        joined_at: dateIn(f, new Date(createdAt)),
      });
    }
  }
  return { users, workspaces, members };
}
