// Recognises the store's own failures (constraint violations, lost connections) on SQLite and PostgreSQL alike.
import { GatewayError } from '../../errors/gateway-error.js';

function codeOf(err: unknown): string {
  return err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : '';
}

export function isUniqueViolation(err: unknown): boolean {
  const code = codeOf(err);
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export function isForeignKeyViolation(err: unknown): boolean {
  const code = codeOf(err);
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'SQLITE_BUSY',
  '57P01',
  '53300',
]);
const UNAVAILABLE_MESSAGES =
  /connection terminated|timeout exceeded when trying to connect|query read timeout/i;

export function isStoreUnavailable(err: unknown): boolean {
  const code = codeOf(err);
  // SQLSTATE class 08 is "connection exception".
  if (UNAVAILABLE_CODES.has(code) || code.startsWith('08')) return true;
  return err instanceof Error && UNAVAILABLE_MESSAGES.test(err.message);
}

/** Maps a store failure to the error the caller should see; anything unrecognised passes through (→ 500). */
export function storeError(err: unknown, conflict = 'a resource with the same unique value exists'): unknown {
  if (err instanceof GatewayError) return err;
  if (isUniqueViolation(err)) return new GatewayError('conflict', conflict);
  if (isForeignKeyViolation(err))
    return new GatewayError('conflict', 'a referenced resource no longer exists');
  if (isStoreUnavailable(err))
    return new GatewayError('store_unavailable', 'the configuration store is unavailable');
  return err;
}
