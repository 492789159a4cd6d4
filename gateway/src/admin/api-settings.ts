// Checks an API's kind-specific settings against the schema its kind declares (the AI layer owns those).
import { settingsSchemaFor } from '../ai/settings.js';
import type { ApiKind } from '../domain/types.js';
import { fieldErrors, validationFailed } from './validation.js';

export function checkSettings(kind: ApiKind, settings: Record<string, unknown>): Record<string, unknown> {
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
