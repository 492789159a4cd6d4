// An API's policy settings, one section per policy the registry lists in the admin API's own OpenAPI document
// (the members of `settings` it describes); a policy is on when its member is present.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { admin, type Item, ok } from '../api/client.js';
import { Problem } from '../shell/problem.js';
import { Actions } from '../shell/ui.js';
import { type JsonSchema, SchemaFields } from './schema-form.js';

type Api = Item<'listApis'>;
interface OpenApi {
  paths: Record<
    string,
    Record<string, { requestBody?: { content: Record<string, { schema: JsonSchema }> } }>
  >;
}

/** The policy-owned members of an API's `settings`, as the running gateway's registry declares them. */
export function usePolicySchemas() {
  return useQuery({
    queryKey: ['openapi'],
    staleTime: Number.POSITIVE_INFINITY,
    queryFn: async () => {
      const doc = (await (await fetch('/admin/v1/openapi.json')).json()) as OpenApi;
      const body = doc.paths['/admin/v1/apis/{id}']?.patch?.requestBody?.content['application/json']?.schema;
      return body?.properties?.settings?.properties ?? {};
    },
  });
}

export function PolicySettings({ api, onSaved }: { api: Api; onSaved: () => void }) {
  const cache = useQueryClient();
  const schemas = usePolicySchemas();
  const [settings, setSettings] = useState<Record<string, unknown>>(api.settings);
  const save = useMutation({
    mutationFn: async () =>
      ok(await admin.PATCH('/admin/v1/apis/{id}', { params: { path: { id: api.id } }, body: { settings } })),
    onSuccess: () => {
      onSaved();
      return cache.invalidateQueries({ queryKey: ['apis'] });
    },
  });
  const set = (key: string, v: unknown) =>
    setSettings((prev) => {
      const next = { ...prev };
      if (v === undefined) delete next[key];
      else next[key] = v;
      return next;
    });

  return (
    <form
      aria-label="Policy settings"
      onSubmit={(e: FormEvent<HTMLFormElement>) => {
        e.preventDefault();
        save.mutate();
      }}
    >
      <h3>Policy settings</h3>
      <Problem error={schemas.error} />
      {Object.entries(schemas.data ?? {}).map(([key, schema]) => (
        <section key={key} className="policy" aria-label={`Policy ${key}`}>
          <label className="check">
            <input
              type="checkbox"
              aria-label={`Use the ${key} policy`}
              checked={settings[key] !== undefined}
              onChange={(e) => set(key, e.target.checked ? {} : undefined)}
            />{' '}
            <strong>{key}</strong>
            {schema.description && <small className="hint"> {schema.description}</small>}
          </label>
          {settings[key] !== undefined && (
            <SchemaFields
              schema={schema}
              value={settings[key]}
              path={[key]}
              onChange={(v) => set(key, v ?? {})}
            />
          )}
        </section>
      ))}
      <Actions>
        <button type="submit" disabled={save.isPending}>
          Save policy settings
        </button>
      </Actions>
      <Problem error={save.error} />
    </form>
  );
}
