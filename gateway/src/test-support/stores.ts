// Real stores for tests: a fresh SQLite file, and a fresh database on the CI's PostgreSQL (never skipped).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const postgresAdminUrl =
  process.env.TEST_POSTGRES_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: 'sqlite' | 'postgres';
  url: string;
  drop(): Promise<void>;
}

export function sqliteDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'gk-sqlite-'));
  return {
    name: 'sqlite',
    url: `sqlite:${join(dir, 'gateway.db')}`,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Creates an empty database; fails loudly when PostgreSQL is not reachable (CI must run these). */
export async function postgresDatabase(): Promise<TestDatabase> {
  const name = `gk_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresAdminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(postgresAdminUrl);
  url.pathname = `/${name}`;
  return {
    name: 'postgres',
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: postgresAdminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** Both stores, for suites that must behave the same on each. */
export const storeKinds = ['sqlite', 'postgres'] as const;

export function testDatabase(kind: (typeof storeKinds)[number]): Promise<TestDatabase> {
  return kind === 'sqlite' ? Promise.resolve(sqliteDatabase()) : postgresDatabase();
}
