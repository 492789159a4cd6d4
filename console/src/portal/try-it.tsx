// Try it: a real call through this gateway's data plane with the consumer's key (kept in memory, never stored),
// showing the answer as is. The same credential goes with the API reference's calls.
import { useMutation } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { Actions, Field } from '../shell/ui.js';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** How the API wants its caller's credential: an app key, a bearer token, nothing, or a client certificate. */
export type AuthMode = 'key' | 'jwt' | 'introspection' | 'mtls' | 'none';

/** The header a call carries the consumer's credential in, and its value (empty until typed). */
export interface Credential {
  header: string | null;
  value: string;
}

export function credentialOf(auth: AuthMode, typed: string): Credential {
  if (auth === 'key') return { header: 'x-api-key', value: typed };
  if (auth === 'jwt' || auth === 'introspection')
    return { header: 'authorization', value: typed && `Bearer ${typed}` };
  return { header: null, value: '' };
}

export function TryIt({
  callUrl,
  host,
  auth,
  typed,
  onTyped,
}: {
  callUrl: string;
  host: string | null;
  auth: AuthMode;
  typed: string;
  onTyped: (v: string) => void;
}) {
  const bearer = auth === 'jwt' || auth === 'introspection';
  const crossOrigin = new URL(callUrl, location.href).origin !== location.origin;
  const call = useMutation({
    mutationFn: async (f: FormData) => {
      const method = String(f.get('method'));
      const rest = String(f.get('path') ?? '');
      const body = String(f.get('body') ?? '');
      const { header, value } = credentialOf(auth, typed);
      const started = performance.now();
      const res = await fetch(`${callUrl.replace(/\/$/, '')}/${rest.replace(/^\//, '')}`, {
        method,
        headers: {
          ...(header && value ? { [header]: value } : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body && method !== 'GET' ? { body } : {}),
      }).catch((err: Error) => {
        // A browser says no more than "failed to fetch" when another origin's CORS answer refuses the call.
        throw crossOrigin
          ? new Error(
              `${err.message}: the API answers on ${new URL(callUrl).origin}, so its cors policy must allow ${location.origin}`,
            )
          : err;
      });
      return {
        status: res.status,
        ms: Math.round(performance.now() - started),
        requestId: res.headers.get('x-request-id'),
        text: await res.text(),
      };
    },
  });
  const basePath = new URL(callUrl, location.href).pathname;
  return (
    <section aria-label="Try it" className="panel">
      <h2>Try it</h2>
      <p>
        Calls go to <code>{callUrl}</code>
        {host && (
          <>
            {' '}
            (the API answers on host <code>{host}</code>; a browser sends the host of that URL)
          </>
        )}
        {crossOrigin && (
          <>, another origin than this page: the API’s cors policy must allow {location.origin}</>
        )}
        .
      </p>
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
            hint={`${auth === 'key' ? "your app's key" : 'an access token of your identity provider'}; sent with calls from this page only, never stored`}
          >
            <input
              name="key"
              type="password"
              required
              autoComplete="off"
              value={typed}
              onChange={(e) => onTyped(e.target.value)}
            />
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
