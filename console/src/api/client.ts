// The typed admin client: openapi-fetch over the generated paths, with the signed-in token.
import createClient, { type Middleware } from 'openapi-fetch';
import type { operations, paths } from './schema.js';

/** The JSON body of an operation's 200 answer, by operationId. */
export type Answer<O extends keyof operations> = operations[O]['responses'] extends {
  200: { content: { 'application/json': infer B } };
}
  ? B
  : never;
/** One item of a list operation's answer. */
export type Item<O extends keyof operations> = Answer<O> extends { items: (infer I)[] } ? I : never;

const TOKEN = 'gateway-kit.token';
const CSRF = 'gateway-kit.csrf';

/**
 * Two ways to be signed in: a bearer token kept in session storage, or the gateway's session cookie (HttpOnly,
 * set by POST /admin/v1/session) with its CSRF token, which every write must echo (docs/people.md).
 */
export const session = {
  token: () => sessionStorage.getItem(TOKEN),
  csrf: () => sessionStorage.getItem(CSRF),
  signedIn: () => sessionStorage.getItem(TOKEN) !== null || sessionStorage.getItem(CSRF) !== null,
  signIn: (token: string) => sessionStorage.setItem(TOKEN, token),
  withCookie: (csrfToken: string) => sessionStorage.setItem(CSRF, csrfToken),
  signOut: () => {
    sessionStorage.removeItem(TOKEN);
    sessionStorage.removeItem(CSRF);
  },
};

const credentials: Middleware = {
  onRequest({ request }) {
    const token = session.token();
    const csrf = session.csrf();
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    else if (csrf && !['GET', 'HEAD', 'OPTIONS'].includes(request.method))
      request.headers.set('x-csrf-token', csrf);
    return request;
  },
};

export const admin = createClient<paths>({ baseUrl: location.origin });
admin.use(credentials);

/** A problem+json answer, readable in the UI. */
export class ProblemError extends Error {
  constructor(
    readonly problem: {
      status?: number;
      code?: string;
      detail?: string;
      errors?: { field: string; message: string }[];
    },
  ) {
    // A validation failure names each field, so a person can find what to change.
    const fields = (problem.errors ?? []).map((e) => `${e.field} ${e.message}`).join('; ');
    super([problem.detail ?? problem.code ?? 'request failed', fields].filter(Boolean).join(': '));
  }
}

/**
 * Unwraps an openapi-fetch result: its data, or a ProblemError. A 204 (a delete) has no data: openapi-fetch
 * then gives `data: undefined`, which is a success all the same.
 */
export function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error === undefined && result.response.ok) return result.data as T;
  throw new ProblemError((result.error ?? { status: result.response.status }) as object);
}
