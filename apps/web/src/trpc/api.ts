/**
 * The typed tRPC React proxy, in a module without 'use client' so server components can pass
 * its procedures to getQueryKey (server.tsx) while client components call hooks on it (react.tsx).
 */
import type { AppRouter } from '@stash/api';
import { createTRPCReact } from '@trpc/react-query';

export const api = createTRPCReact<AppRouter>();
