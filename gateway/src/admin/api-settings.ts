// Checks an API's settings: each member a policy of the registry owns (any kind; `cors`, `anonymous`…) against
// that policy's schema, and the rest against the schema its kind declares (the AI layer owns those).
import { settingsSchemaFor } from '../ai/settings.js';
import type { ApiKind } from '../domain/types.js';
import type { PolicyRegistry } from '../policies/registry.js';
import { fieldErrors, validationFailed } from './validation.js';

export function checkSettings(
  registry: PolicyRegistry,
  kind: ApiKind,
  settings: Record<string, unknown>,
): Record<string, unknown> {
  const own: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(settings))
    (registry.settings.has(name) ? own : rest)[name] = value;
  const checked = checkKindSettings(kind, rest);
  for (const [name, value] of Object.entries(own)) {
    if (value === undefined) continue;
    const parsed = registry.settings.get(name)!.safeParse(value);
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
