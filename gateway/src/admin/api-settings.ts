// Checks an API's settings: `cors` and `anonymous` (any kind; policies/cors, policies/rate-limit) and the kind-specific rest, against the schema its
// kind declares (the AI layer owns those).
import { settingsSchemaFor } from '../ai/settings.js';
import type { ApiKind } from '../domain/types.js';
import { corsSettings } from '../policies/cors/schema.js';
import { anonymousLimitSettings } from '../policies/rate-limit/schema.js';
import { fieldErrors, validationFailed } from './validation.js';

/** Settings any kind of API may carry, each owned by a policy. */
const policySettings = { cors: corsSettings, anonymous: anonymousLimitSettings } as const;

export function checkSettings(kind: ApiKind, settings: Record<string, unknown>): Record<string, unknown> {
  const { cors, anonymous, ...rest } = settings;
  const checked = checkKindSettings(kind, rest);
  for (const [name, value] of [
    ['cors', cors],
    ['anonymous', anonymous],
  ] as const) {
    if (value === undefined) continue;
    const parsed = policySettings[name].safeParse(value);
    if (!parsed.success)
      throw validationFailed(
        fieldErrors('body', parsed.error).map((e) => ({
          ...e,
          field: e.field ? `settings.${name}.${e.field}` : `settings.${name}`,
        })),
      );
    checked[name] = parsed.data;
  }
  return checked;
}

function checkKindSettings(kind: ApiKind, settings: Record<string, unknown>): Record<string, unknown> {
  const schema = settingsSchemaFor(kind);
  if (!schema) {
    if (Object.keys(settings).length === 0) return settings;
    throw validationFailed([{ in: 'body', field: 'settings', message: `${kind} APIs take no settings` }]);
  }
  const result = schema.safeParse(settings);
  if (result.success) return result.data as Record<string, unknown>;
  throw validationFailed(
    fieldErrors('body', result.error).map((e) => ({
      ...e,
      field: e.field ? `settings.${e.field}` : 'settings',
    })),
  );
}
