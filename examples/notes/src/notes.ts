// The notes table and its queries: plain SQL through `pg`. Nothing here knows about caching.
import type { Pool } from 'pg';

export interface Note {
  id: number;
  title: string;
  body: string;
}

export const SCHEMA = `
  CREATE TABLE IF NOT EXISTS notes (
    id    serial PRIMARY KEY,
    title text NOT NULL,
    body  text NOT NULL DEFAULT ''
  )`;

export async function listNotes(db: Pool): Promise<Note[]> {
  const { rows } = await db.query<Note>('SELECT id, title, body FROM notes ORDER BY id');
  return rows;
}

export async function findNote(db: Pool, id: number): Promise<Note | null> {
  const { rows } = await db.query<Note>('SELECT id, title, body FROM notes WHERE id = $1', [id]);
  return rows[0] ?? null;
}

export async function insertNote(db: Pool, note: Omit<Note, 'id'>): Promise<Note> {
  const { rows } = await db.query<Note>(
    'INSERT INTO notes (title, body) VALUES ($1, $2) RETURNING id, title, body',
    [note.title, note.body],
  );
  return rows[0]!;
}

export async function renameNote(db: Pool, id: number, title: string): Promise<Note | null> {
  const { rows } = await db.query<Note>(
    'UPDATE notes SET title = $2 WHERE id = $1 RETURNING id, title, body',
    [id, title],
  );
  return rows[0] ?? null;
}
