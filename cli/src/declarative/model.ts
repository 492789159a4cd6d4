// The common shape both sides of a diff are turned into: one object per gateway resource, keyed by names,
// with the fields that configuration owns in a canonical form (no nulls, no empty objects, keys sorted).
export const kinds = [
  'tenant',
  'aiProvider',
  'aiModel',
  'api',
  'plan',
  'app',
  'subscription',
  'webhook',
] as const;
export type Kind = (typeof kinds)[number];

export interface GatewayObject {
  kind: Kind;
  /** Names from the tenant down: `payments/Echo/gold` for a plan. */
  key: string;
  /** The tenant whose scope the object is in (a subscription: its app's tenant). */
  tenant: string;
  /** Full key (`api:payments/Echo`) of what must exist first, besides the tenant. */
  needs: string[];
  fields: Record<string, unknown>;
}

export interface CurrentObject extends GatewayObject {
  id: string;
  /** The view the admin API returned, for export. */
  view: Record<string, unknown>;
}

export const fullKey = (o: Pick<GatewayObject, 'kind' | 'key'>) => `${o.kind}:${o.key}`;

/**
 * A key joins names with `/` (`payments/Echo/gold`), and a subscription's two ends with `->`. Names may hold
 * `/` or `>` themselves (tenant `a/b` with API `c` against tenant `a` with API `b/c`), so each name has `%`,
 * `/` and `>` percent-encoded: every key reads back to exactly one list of names.
 */
export const keyOf = (...names: string[]) =>
  names.map((n) => n.replace(/[%/>]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)).join('/');

/** The names a key (or a subscription end) was made of. */
export const namesOf = (key: string) => key.split('/').map((part) => decodeURIComponent(part));

export const subscriptionKey = (appKey: string, apiKey: string) => `${appKey}->${apiKey}`;

/** Null, undefined and empty objects mean "not set" in every admin schema: drop them, sort keys. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) {
    const v = canonical((value as Record<string, unknown>)[k]);
    if (v === null || v === undefined) continue;
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0) continue;
    out[k] = v;
  }
  return out;
}

/** Wrapped, so that a top-level null, undefined or {} all read as "not set". */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical({ v: a })) === JSON.stringify(canonical({ v: b }));
}

/** The fields whose values differ, with both values, for a readable diff. */
export function changedFields(
  want: Record<string, unknown>,
  have: Record<string, unknown>,
): { field: string; from: unknown; to: unknown }[] {
  const names = [...new Set([...Object.keys(want), ...Object.keys(have)])].sort();
  return names
    .filter((f) => !sameValue(want[f], have[f]))
    .map((f) => ({ field: f, from: canonical(have[f]) ?? null, to: canonical(want[f]) ?? null }));
}

/** An environment variable name for an exported secret, stable across exports. */
export function envName(...parts: string[]): string {
  return parts
    .join('_')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}
