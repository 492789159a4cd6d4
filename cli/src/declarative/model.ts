// The common shape both sides of a diff are turned into: one object per gateway resource, keyed by names,
// with the fields that configuration owns in a canonical form (no nulls, no empty objects, keys sorted).
export const kinds = ['tenant', 'aiProvider', 'aiModel', 'api', 'plan', 'app', 'subscription'] as const;
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
