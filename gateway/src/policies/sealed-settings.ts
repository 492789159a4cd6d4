// Secrets in an API's settings (a JWT shared secret, an introspection client secret: the members a policy lists
// in `settings.secrets`) are sealed at rest with the gateway's secret box, bound to the API and the member, so
// a sealed value copied onto another API does not open. The admin API never shows them: a read gives a mask
// with the last four characters (as for AI provider keys), and writing the mask back keeps the stored secret.
import type { Kysely } from 'kysely';
import { keyHint, type SecretBox } from '../security/secret-box.js';
import { listApis, updateApi } from '../store/repos/apis.js';
import type { Database } from '../store/schema.js';

/** How a secret is stored in `settings`. */
export interface SealedValue {
  sealed: string;
  hint: string;
}

type Settings = Record<string, unknown>;
export type SecretFields = readonly (readonly [string, string])[];

const MASK = /^\(sealed ….{0,4}\)$/;

/** What a read shows of a secret, and what a write may send back to keep it. */
export function sealedMask(plain: string): string {
  return `(sealed ${keyHint(plain)})`;
}

export const isMask = (v: unknown): v is string => typeof v === 'string' && MASK.test(v);

const isSealed = (v: unknown): v is SealedValue =>
  typeof v === 'object' && v !== null && typeof (v as SealedValue).sealed === 'string';

const boundTo = (apiId: string, key: string, field: string) => `${apiId} settings.${key}.${field}`;

/** Each secret member present in `settings`, with a setter writing a copy of `settings`. */
function* present(settings: Settings, fields: SecretFields) {
  for (const [key, field] of fields) {
    const member = settings[key];
    if (typeof member !== 'object' || member === null || !(field in member)) continue;
    yield { key, field, value: (member as Settings)[field] };
  }
}

function withValue(settings: Settings, key: string, field: string, value: unknown): Settings {
  return { ...settings, [key]: { ...(settings[key] as Settings), [field]: value } };
}

/**
 * Settings as the policies read them: sealed members opened (a plain one, written before sealing, is taken as
 * is). Throws SecretBoxError when one does not open (another SECRET_KEY, or copied from another API).
 */
export function openSettings(
  settings: Settings,
  fields: SecretFields,
  box: SecretBox,
  apiId: string,
): Settings {
  let out = settings;
  for (const { key, field, value } of present(settings, fields))
    if (isSealed(value)) out = withValue(out, key, field, box.open(value.sealed, boundTo(apiId, key, field)));
  return out;
}

/** Settings to store: every plain secret sealed. */
export function sealSettings(
  settings: Settings,
  fields: SecretFields,
  box: SecretBox,
  apiId: string,
): Settings {
  let out = settings;
  for (const { key, field, value } of present(settings, fields))
    if (typeof value === 'string')
      out = withValue(out, key, field, {
        sealed: box.seal(value, boundTo(apiId, key, field)),
        hint: keyHint(value),
      } satisfies SealedValue);
  return out;
}

/** Settings as the admin API shows them: every secret masked, sealed or not. */
export function maskSettings(settings: Settings, fields: SecretFields): Settings {
  let out = settings;
  for (const { key, field, value } of present(settings, fields)) {
    if (isSealed(value)) out = withValue(out, key, field, `(sealed ${value.hint})`);
    else if (typeof value === 'string' && !isMask(value)) out = withValue(out, key, field, sealedMask(value));
  }
  return out;
}

/**
 * A written mask means "keep the stored secret": replaced by the stored one, opened, before the settings are
 * checked. Returns the dotted names of masks with nothing stored to keep (the caller answers 400).
 */
export function unmaskSettings(
  written: Settings,
  stored: Settings,
  fields: SecretFields,
): { settings: Settings; unknown: string[] } {
  let out = written;
  const unknown: string[] = [];
  for (const { key, field, value } of present(written, fields)) {
    if (!isMask(value)) continue;
    const kept = (stored[key] as Settings | undefined)?.[field];
    if (typeof kept === 'string' && !isMask(kept)) out = withValue(out, key, field, kept);
    else unknown.push(`settings.${key}.${field}`);
  }
  return { settings: out, unknown };
}

/**
 * Secrets written before they were sealed (plain strings in the store) are sealed once, at start-up; a replica
 * racing another seals the same value, either result opens. Returns how many APIs were rewritten.
 */
export async function sealStoredSecrets(
  db: Kysely<Database>,
  fields: SecretFields,
  box: SecretBox,
): Promise<number> {
  let count = 0;
  for (const api of await listApis(db, null)) {
    if (![...present(api.settings, fields)].some(({ value }) => typeof value === 'string')) continue;
    await updateApi(db, { ...api, settings: sealSettings(api.settings, fields, box, api.id) });
    count++;
  }
  return count;
}
