// The reference tables in the docs stay equal to the code they describe: README's environment table to the
// gateway's env schema, docs/admin-api.md's route and permission table to the admin route declarations.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withPermissionTable } from '../../gateway/src/admin/permissions.js';
import { adminRoutes } from '../../gateway/src/admin/routes/index.js';
import { envSchema } from '../../gateway/src/config/env.js';

const root = join(import.meta.dirname, '..', '..');

/** The rows of the first table under `heading` (cells trimmed, header and rule left out). */
function tableUnder(file: string, heading: string): string[][] {
  const text = readFileSync(join(root, file), 'utf8');
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`${file} has no heading ${heading}`);
  const lines = text.slice(start).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

const code = (cell: string) => /^`([^`]+)`$/.exec(cell)?.[1] ?? cell;

describe('docs in step with the code', () => {
  it("README's configuration table lists exactly the gateway's environment variables", () => {
    const documented = tableUnder('README.md', '## Configuration (environment)').map((row) => code(row[0]!));
    expect([...documented].sort()).toEqual(Object.keys(envSchema.shape).sort());
  });

  it("docs/admin-api.md's route table is the one the route declarations generate (npm run docs:permissions)", () => {
    const doc = readFileSync(join(root, 'docs/admin-api.md'), 'utf8');
    expect(withPermissionTable(doc, adminRoutes)).toBe(doc);
  });
});
