import bcrypt from 'bcryptjs';

// bcryptjs: pure JS (no native build on install), the same hashes the seed writes.
export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, 10);
}
