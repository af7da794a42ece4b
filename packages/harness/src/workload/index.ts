export * from './mix';
export * from './trpc';
export * from './world';
export * from './zipf';
