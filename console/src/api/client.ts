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

export const session = {
  token: () => sessionStorage.getItem(TOKEN),
  signIn: (token: string) => sessionStorage.setItem(TOKEN, token),
  signOut: () => sessionStorage.removeItem(TOKEN),
};

const bearer: Middleware = {
  onRequest({ request }) {
    const token = session.token();
    if (token) request.headers.set('authorization', `Bearer ${token}`);
    return request;
  },
};

export const admin = createClient<paths>({ baseUrl: location.origin });
admin.use(bearer);

/** A problem+json answer, readable in the UI. */
export class ProblemError extends Error {
  constructor(readonly problem: { status?: number; code?: string; detail?: string }) {
    super(problem.detail ?? problem.code ?? 'request failed');
  }
}

/** Unwraps an openapi-fetch result: its data, or a ProblemError. */
export function ok<T>(result: { data?: T; error?: unknown }): T {
  if (result.error !== undefined || result.data === undefined)
    throw new ProblemError((result.error ?? {}) as object);
  return result.data;
}
