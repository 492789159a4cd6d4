// Keeps docs/errors.md and the error catalogue in step: same codes, statuses and titles, each documented once.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCatalogue } from './catalogue.js';

const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
const rows = [...doc.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \| ([^|]+?) \| ([^|]+?) \|$/gm)].map((m) => ({
  code: m[1]!,
  status: Number(m[2]),
  title: m[3]!,
  when: m[4]!,
}));

describe('docs/errors.md', () => {
  it('documents every code of the catalogue with its status and title, and nothing else', () => {
    const documented = Object.fromEntries(rows.map((r) => [r.code, { status: r.status, title: r.title }]));
    expect(documented).toEqual(errorCatalogue);
  });

  it('documents each code once, with a non-empty "when"', () => {
    expect(rows.length).toBe(new Set(rows.map((r) => r.code)).size);
    for (const row of rows) expect(row.when.length, row.code).toBeGreaterThan(10);
  });
});
