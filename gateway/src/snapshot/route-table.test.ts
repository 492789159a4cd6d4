// The route table against the matcher it replaced (a linear scan by base-path length, kept here as the oracle):
// for generated sets of thousands of APIs, additions and removals, every path picks the same API.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Api } from '../domain/types.js';
import { RouteTable } from './route-table.js';

// ---- The old matcher, verbatim in behaviour (routesByHost sorted longest first, then the three-step lookup).
function matchesBasePath(path: string, basePath: string): boolean {
  if (basePath === '/') return true;
  return (
    path.startsWith(basePath) && (path.length === basePath.length || path.charCodeAt(basePath.length) === 47)
  );
}
function oldRoutes(apis: Iterable<Api>): Map<string, Api[]> {
  const routesByHost = new Map<string, Api[]>();
  for (const api of apis) {
    const host = (api.host ?? '').toLowerCase();
    const list = routesByHost.get(host) ?? [];
    list.push(api);
    routesByHost.set(host, list);
  }
  for (const list of routesByHost.values()) list.sort((a, b) => b.basePath.length - a.basePath.length);
  return routesByHost;
}
function findIn(list: Api[] | undefined, path: string): Api | null {
  if (!list) return null;
  for (const api of list) if (matchesBasePath(path, api.basePath)) return api;
  return null;
}
function oldLookup(routes: Map<string, Api[]>, authority: string | undefined, host: string, path: string) {
  return (
    (authority && authority !== host && findIn(routes.get(authority), path)) ||
    (host && findIn(routes.get(host), path)) ||
    findIn(routes.get(''), path)
  );
}
// ----

function api(id: number, host: string | null, basePath: string): Api {
  return {
    id: `api_${id}`,
    tenantId: 't',
    name: `api ${id}`,
    basePath,
    host,
    kind: 'rest',
    auth: 'none',
    visibility: 'public',
    approval: 'auto',
    status: 'published',
    targets: [],
    timeoutMs: 1000,
    retries: 0,
    maxBodyBytes: 1024,
    settings: {},
    tags: [],
    createdAt: '',
    updatedAt: '',
  };
}

// Few distinct segments, so base paths nest and overlap often; `''` makes trailing slashes.
const segment = fc.constantFrom('a', 'b', 'ab', 'v1', 'v2', 'x.y', '');
const basePath = fc
  .array(segment, { maxLength: 4 })
  .map((s) => (s.length === 0 ? '/' : `/${s.join('/')}`))
  .filter((p) => p === '/' || !p.startsWith('//'));
const hostName = fc.constantFrom(null, 'a.example', 'A.example', 'b.example', 'a.example:8443');
const pathArb = fc.oneof(
  fc
    .array(fc.oneof(segment, fc.constantFrom('c', 'abc', 'v10')), { maxLength: 6 })
    .map((s) => `/${s.join('/')}`),
  fc.constantFrom('', '*', 'a/b', '/'),
);
const authorityArb = fc.constantFrom(undefined, 'a.example', 'b.example', 'a.example:8443', 'c.example:80');
const hostOf = (authority: string | undefined) => (authority ?? '').replace(/:\d+$/, '');

/** Unique by route key (host lower-cased + base path), as the store's unique index guarantees. */
function uniqueApis(specs: Array<[string | null, string]>): Api[] {
  const seen = new Set<string>();
  const out: Api[] = [];
  specs.forEach(([host, path], i) => {
    const key = `${(host ?? '').toLowerCase()}|${path}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(api(i, host, path));
    }
  });
  return out;
}

describe('route table', () => {
  it('matches the old longest-prefix rule after additions and removals', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(hostName, basePath), { maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.array(fc.tuple(authorityArb, pathArb), { minLength: 1, maxLength: 30 }),
        (specs, removals, lookups) => {
          const apis = uniqueApis(specs);
          const table = new RouteTable();
          for (const a of apis) table.add(a);
          const live = new Map(apis.map((a) => [a.id, a]));
          for (const r of removals) {
            const victim = apis[r % Math.max(apis.length, 1)];
            if (!victim) continue;
            table.remove(victim);
            live.delete(victim.id);
          }
          expect(table.size).toBe(live.size);
          const routes = oldRoutes(live.values());
          for (const [authority, path] of lookups) {
            const expected = oldLookup(routes, authority, hostOf(authority), path);
            expect(table.lookup(authority, hostOf(authority), path)?.id ?? null).toBe(expected?.id ?? null);
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('with thousands of APIs, every path picks what the old matcher picks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(hostName, basePath), { minLength: 2000, maxLength: 4000 }),
        fc.array(fc.tuple(authorityArb, pathArb), { minLength: 200, maxLength: 200 }),
        (specs, lookups) => {
          // Numbered prefixes as in a platform with thousands of APIs, plus the generated overlapping ones.
          const apis = uniqueApis(specs.map(([host, path], i) => [host, i % 2 ? `/api-${i}${path}` : path]));
          const table = new RouteTable();
          for (const a of apis) table.add(a);
          const routes = oldRoutes(apis);
          const paths = [
            ...lookups,
            ...apis.slice(0, 200).map((a) => [undefined, `${a.basePath}/x`] as const),
          ];
          for (const [authority, path] of paths) {
            const expected = oldLookup(routes, authority, hostOf(authority), path);
            expect(table.lookup(authority, hostOf(authority), path)?.id ?? null).toBe(expected?.id ?? null);
          }
        },
      ),
      { numRuns: 5 },
    );
  });

  it('replacing an API at the same route keeps one entry; removing a stale copy leaves the new one', () => {
    const table = new RouteTable();
    const first = api(1, null, '/orders');
    const moved = { ...api(2, null, '/orders') };
    table.add(first);
    table.remove(first);
    table.add(moved);
    table.remove(first);
    expect(table.size).toBe(1);
    expect(table.lookup(undefined, '', '/orders/7')?.id).toBe('api_2');
    table.remove(moved);
    expect(table.size).toBe(0);
    expect(table.lookup(undefined, '', '/orders/7')).toBeNull();
  });
});
