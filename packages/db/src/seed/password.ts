import type { Faker } from '@faker-js/faker';
import bcrypt from 'bcryptjs';

const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Hashes the demo password once per seed run (cost 10, ~50 ms) for every seeded user. The salt
 * comes from the seeded faker, not from a random source, so the hash (and with it every row) is
 * the same run to run; a predictable salt costs nothing for a password printed in the README.
 */
export function hashDemoPassword(f: Faker, password: string): Promise<string> {
  const salt = `$2b$10$${f.string.fromCharacters(BCRYPT_ALPHABET, 22)}`;
  return bcrypt.hash(password, salt);
}
