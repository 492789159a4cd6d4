// Checks an API's settings: `cors` (any kind, policies/cors) and the kind-specific rest, against the schema its
// kind declares (the AI layer owns those).
import { settingsSchemaFor } from '../ai/settings.js';
import type { ApiKind } from '../domain/types.js';
import { corsSettings } from '../policies/cors/schema.js';
import { fieldErrors, validationFailed } from './validation.js';

export function checkSettings(kind: ApiKind, settings: Record<string, unknown>): Record<string, unknown> {
  const { cors, ...rest } = settings;
  if (cors === undefined) return checkKindSettings(kind, rest);
  const parsed = corsSettings.safeParse(cors);
  if (!parsed.success)
    throw validationFailed(
      fieldErrors('body', parsed.error).map((e) => ({
        ...e,
        field: e.field ? `settings.cors.${e.field}` : 'settings.cors',
      })),
    );
  return { ...checkKindSettings(kind, rest), cors: parsed.data };
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
