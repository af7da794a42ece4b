import { authRouter } from './routers/auth';
import { installsRouter } from './routers/installs';
import { marketplaceRouter } from './routers/marketplace';
import { membersRouter } from './routers/members';
import { templatesRouter } from './routers/templates';
import { workspacesRouter } from './routers/workspaces';
import { createCallerFactory, createTRPCRouter } from './trpc';

export const appRouter = createTRPCRouter({
  auth: authRouter,
  marketplace: marketplaceRouter,
  templates: templatesRouter,
  workspaces: workspacesRouter,
  installs: installsRouter,
  members: membersRouter,
});

export type AppRouter = typeof appRouter;

/** Server-side calls without HTTP: `createCaller(createContextInner(deps, { session }))`. */
export const createCaller = createCallerFactory(appRouter);
