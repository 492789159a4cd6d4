// An API's OpenAPI document in the edit drawer: what is attached (title, version), attach or replace it from
// a file or pasted text (JSON or YAML, checked by the admin API, whose errors name the place in the
// document), and remove it. The developer portal renders it on the API's page.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { admin, type Item, ok, ProblemError } from '../api/client.js';
import { Problem } from '../shell/problem.js';
import { Actions, Field } from '../shell/ui.js';

type Api = Item<'listApis'>;

/** JSON when it reads as a JSON object, YAML otherwise (YAML is what people usually keep these in). */
const typeOf = (text: string) =>
  text.trimStart().startsWith('{') ? ('application/json' as const) : ('application/yaml' as const);

export function ApiSpec({ api }: { api: Api }) {
  const cache = useQueryClient();
  const key = ['api-spec', api.id];
  const current = useQuery({
    queryKey: key,
    queryFn: async () => {
      const { data, error, response } = await admin.GET('/admin/v1/apis/{id}/spec', {
        params: { path: { id: api.id } },
      });
      if (response.status === 404) return null;
      if (error !== undefined) throw new ProblemError(error as object);
      return data as { info?: { title?: string; version?: string }; openapi?: string };
    },
  });
  const [text, setText] = useState('');
  const done = () => cache.invalidateQueries({ queryKey: key });
  const attach = useMutation({
    mutationFn: async (document: string) =>
      ok(
        await admin.PUT('/admin/v1/apis/{id}/spec', {
          params: { path: { id: api.id } },
          body: document,
          bodySerializer: (b) => b as string,
          headers: { 'content-type': typeOf(document) },
        }),
      ),
    onSuccess: () => {
      setText('');
      return done();
    },
  });
  const remove = useMutation({
    mutationFn: async () =>
      ok(await admin.DELETE('/admin/v1/apis/{id}/spec', { params: { path: { id: api.id } } })),
    onSuccess: done,
  });
  const doc = current.data;

  return (
    <form
      aria-label="OpenAPI document"
      onSubmit={(e: FormEvent<HTMLFormElement>) => {
        e.preventDefault();
        attach.mutate(text);
      }}
    >
      <h3>OpenAPI document</h3>
      <Problem error={current.error} />
      <p role="status">
        {doc === undefined
          ? 'Loading…'
          : doc === null
            ? 'None attached: the portal shows the route and plans only.'
            : `Attached: ${doc.info?.title ?? '?'} ${doc.info?.version ?? ''} (OpenAPI ${doc.openapi ?? '?'}), shown in the portal.`}
      </p>
      <Field label="From a file" hint="JSON or YAML, OpenAPI 3.0 or 3.1, up to 2 MB">
        <input
          type="file"
          accept=".json,.yaml,.yml,application/json,application/yaml"
          onChange={async (e) => setText((await e.currentTarget.files?.[0]?.text()) ?? '')}
        />
      </Field>
      <Field label="Document">
        <textarea
          name="document"
          rows={6}
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={'openapi: 3.1.0\ninfo: { title: Orders, version: 1.0.0 }\npaths: {}'}
        />
      </Field>
      <Actions>
        <button type="submit" disabled={attach.isPending || !text.trim()}>
          {doc ? 'Replace the document' : 'Attach the document'}
        </button>
        {doc && (
          <button type="button" className="danger" onClick={() => remove.mutate()}>
            Remove the document
          </button>
        )}
      </Actions>
      <Problem error={attach.error ?? remove.error} />
    </form>
  );
}
