// Opens the store named by DATABASE_URL: SQLite (better-sqlite3) or PostgreSQL (pg), behind one Kysely type.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** The raw SQLite handle, for the call-log writer's prepared statement; absent on PostgreSQL. */
  sqlite?: SqliteDatabase.Database;
  /** The SQLite file, when it is one (not `:memory:`), so another connection can write to it. */
  sqliteFile?: string;
  close(): Promise<void>;
}

// PostgreSQL BIGINT comes back as a string by default; our counters and timestamps fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export function openStore(url: string): Store {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length) || ':memory:';
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const database = new SqliteDatabase(file);
    // WAL lets the admin API read while the call-log writer commits; busy_timeout covers two processes on one file.
    database.pragma('journal_mode = WAL');
    database.pragma('busy_timeout = 5000');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
    return {
      db,
      dialect: 'sqlite',
      sqlite: database,
      ...(file === ':memory:' ? {} : { sqliteFile: file }),
      close: () => db.destroy(),
    };
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    connectionTimeoutMillis: 3000,
    // Fail queries rather than hang when the server is gone; the caller decides what to do.
    query_timeout: 10_000,
  });
  // An idle client losing its server emits 'error' on the pool; without a listener that kills the process.
  pool.on('error', () => {});
  // A checked-out client (pg-pool drops its idle listener on checkout) whose server vanishes mid-query emits
  // 'error' as well as failing the query; the query's rejection reports it, the event must not crash us.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}
