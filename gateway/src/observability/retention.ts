// Purges call logs older than LOG_RETENTION_DAYS, hourly and once at start, in bounded deletes.
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export async function purgeCallLogs(
  db: Kysely<Database>,
  retentionDays: number,
  now = Date.now(),
): Promise<number> {
  const cutoff = now - retentionDays * 86_400_000;
  const result = await db.deleteFrom('call_logs').where('ts', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows ?? 0);
}

export function scheduleRetention(
  db: Kysely<Database>,
  retentionDays: number,
  onError: (err: Error) => void,
): () => void {
  const run = () => void purgeCallLogs(db, retentionDays).catch(onError);
  const first = setTimeout(run, 5_000);
  const timer = setInterval(run, 3_600_000);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
