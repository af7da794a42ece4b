// The three promises of the caching layer, through two instances of the notes server on one
// Redis and one database: a repeated read is a hit, a write invalidates what it changed, and a
// read on another instance right after the write sees it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Note } from '../src/notes.js';
import { type NotesServer, startNotesServer } from '../src/server.js';
import {
  createTestDatabase,
  deleteKeys,
  mutate,
  query,
  REDIS_URL,
  type TestDatabase,
  uniqueCachePrefix,
} from './support.js';

describe('notes on two instances sharing one Redis', () => {
  let database: TestDatabase;
  let a: NotesServer;
  let b: NotesServer;
  const cachePrefix = uniqueCachePrefix();

  before(async () => {
    database = await createTestDatabase();
    const options = { db: database.pool, redisUrl: REDIS_URL, cachePrefix };
    [a, b] = await Promise.all([startNotesServer(options), startNotesServer(options)]);
    await mutate(a.url, 'notes.add', { title: 'first' });
  });

  after(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await database?.drop();
    await deleteKeys(cachePrefix);
  });

  test('runs the packed library, not workspace sources', () => {
    const entry = fileURLToPath(import.meta.resolve('@stash/trpc-cache'));
    assert.match(entry, /examples\/notes\/node_modules\/@stash\/trpc-cache\/dist\/index\.js$/);
  });

  test('a repeated read is a hit: the loader ran once', async () => {
    const first = await query<Note[]>(a.url, 'notes.list');
    const second = await query<Note[]>(a.url, 'notes.list');
    assert.equal(first.cache, 'notes.list=miss');
    assert.equal(second.cache, 'notes.list=hit');
    assert.deepEqual(second.data, first.data);
    assert.equal(a.cache.stats().perNamespace['notes.list']?.loaderRuns, 1);
  });

  test('a write invalidates the read: the next read has the new note', async () => {
    await query<Note[]>(a.url, 'notes.list'); // cached
    await mutate(a.url, 'notes.add', { title: 'second' });
    const after = await query<Note[]>(a.url, 'notes.list');
    assert.equal(after.cache, 'notes.list=miss');
    assert.deepEqual(
      after.data.map((n) => n.title),
      ['first', 'second'],
    );
  });

  test('read-your-writes across instances: written through A, read through B at once', async () => {
    const { data: notes } = await query<Note[]>(b.url, 'notes.list');
    const id = notes[0]!.id;
    // B holds both answers in the shared cache before the write.
    assert.equal((await query<Note[]>(b.url, 'notes.list')).cache, 'notes.list=hit');
    await query<Note>(b.url, 'notes.byId', { id });
    assert.equal((await query<Note>(b.url, 'notes.byId', { id })).cache, 'notes.byId=hit');

    await mutate(a.url, 'notes.rename', { id, title: 'renamed on A' });

    const one = await query<Note>(b.url, 'notes.byId', { id });
    const list = await query<Note[]>(b.url, 'notes.list');
    assert.equal(one.data.title, 'renamed on A');
    assert.equal(list.data.find((n) => n.id === id)?.title, 'renamed on A');
  });
});
