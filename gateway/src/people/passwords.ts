// Passwords: argon2id (OWASP's first choice) through @node-rs/argon2, whose prebuilt binaries need no
// compiler on Node 20 and 22. Its defaults are OWASP's minimum (19 MiB, 2 passes, 1 lane).
import { hash, verify } from '@node-rs/argon2';
import { z } from 'zod';

/** NIST SP 800-63B: length over composition rules; 12 as a floor for an admin console. */
export const password = z.string().min(12, 'must be at least 12 characters').max(256);

export function hashPassword(plain: string): Promise<string> {
  return hash(plain);
}

// Verifying against this when the account does not exist costs the same time, so timing tells nobody
// which emails have accounts.
const decoy = hash('decoy password that matches nothing');

export async function checkPassword(stored: string | null, plain: string): Promise<boolean> {
  if (stored === null) {
    await verify(await decoy, plain);
    return false;
  }
  try {
    return await verify(stored, plain);
  } catch {
    return false;
  }
}
