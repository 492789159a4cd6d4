// The one way the admin API writes: a transaction that also bumps the config version, then this replica's
// snapshot reloads before the response, so a client that got 2xx can call the data plane at once.
import type { Transaction } from 'kysely';
import { auditWrite } from '../audit/scope.js';
import type { GatewayContext } from '../context.js';
import { bumpConfigVersion } from '../store/config-version.js';
import { storeError } from '../store/repos/store-errors.js';
import type { Database } from '../store/schema.js';

export type Trx = Transaction<Database>;

/** `conflict` is the detail to answer with when a unique constraint refuses the write (a race lost, a name taken). */
export async function write<T>(
  ctx: GatewayContext,
  work: (trx: Trx) => Promise<T>,
  conflict?: string,
): Promise<T> {
  let result: T;
  try {
    result = await ctx.store.db.transaction().execute(async (trx) => {
      // Bump first: on PostgreSQL the row lock on config_version serializes admin writes across replicas, so
      // the check-then-insert rules below (one live subscription per app and API…) cannot race.
      await bumpConfigVersion(trx);
      const done = await work(trx);
      // In the same transaction: a change and its audit row commit or roll back together.
      await auditWrite(trx, done);
      return done;
    });
  } catch (err) {
    throw storeError(err, conflict);
  }
  try {
    await ctx.configChanged();
  } catch (err) {
    // Committed is committed: the poll picks the change up later; failing the request would invite a retry.
    ctx.logger.warn({ err }, 'snapshot reload after an admin write failed');
  }
  return result;
}
