// Try it: a real call through this gateway with the consumer's key (never stored), showing the answer as is.
import { useMutation } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { Actions, Field } from '../shell/ui.js';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** How the API wants its caller's credential: an app key, a bearer token, nothing, or a client certificate. */
export type AuthMode = 'key' | 'jwt' | 'introspection' | 'mtls' | 'none';

export function TryIt({ basePath, host, auth }: { basePath: string; host: string | null; auth: AuthMode }) {
  const bearer = auth === 'jwt' || auth === 'introspection';
  const call = useMutation({
    mutationFn: async (f: FormData) => {
      const method = String(f.get('method'));
      const rest = String(f.get('path') ?? '');
      const body = String(f.get('body') ?? '');
      const started = performance.now();
      const res = await fetch(`${basePath.replace(/\/$/, '')}/${rest.replace(/^\//, '')}`, {
        method,
        headers: {
          ...(auth === 'key' ? { 'x-api-key': String(f.get('key')) } : {}),
          ...(bearer ? { authorization: `Bearer ${String(f.get('key'))}` } : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body && method !== 'GET' ? { body } : {}),
      });
      return {
        status: res.status,
        ms: Math.round(performance.now() - started),
        requestId: res.headers.get('x-request-id'),
        text: await res.text(),
      };
    },
  });
  return (
    <section aria-label="Try it" className="panel">
      <h2>Try it</h2>
      {host && (
        <p>
          This API answers on host <code>{host}</code>; a call from here goes to this page’s host.
        </p>
      )}
      <form
        aria-label="Try it"
        onSubmit={(e: FormEvent<HTMLFormElement>) => {
          e.preventDefault();
          call.mutate(new FormData(e.currentTarget));
        }}
      >
        <div className="toolbar">
          <Field label="Method">
            <select name="method">
              {METHODS.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          </Field>
          <Field label={`Path after ${basePath}`}>
            <input name="path" defaultValue="/" />
          </Field>
        </div>
        {(auth === 'key' || bearer) && (
          <Field
            label={auth === 'key' ? 'API key' : 'Bearer token'}
            hint={`${auth === 'key' ? "your app's key" : 'an access token of your identity provider'}; sent with this call only, never stored`}
          >
            <input name="key" type="password" required autoComplete="off" />
          </Field>
        )}
        {auth === 'mtls' && (
          <p>This API asks for a client certificate, which a browser page cannot present here.</p>
        )}
        <Field label="JSON body">
          <textarea name="body" rows={3} />
        </Field>
        <Actions>
          <button type="submit" className="primary" disabled={call.isPending}>
            Send
          </button>
        </Actions>
      </form>
      {call.error && (
        <p role="alert" className="error">
          {call.error.message}
        </p>
      )}
      {call.data && (
        <div role="status" className="answer">
          <p>
            <strong>{call.data.status}</strong> in {call.data.ms} ms · request id{' '}
            <code>{call.data.requestId}</code>
          </p>
          <pre>{call.data.text}</pre>
        </div>
      )}
    </section>
  );
}
