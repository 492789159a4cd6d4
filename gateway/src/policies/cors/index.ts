// CORS per API (settings.cors; off by default): the gateway answers preflights itself, before the key check
// (browsers send no credentials on a preflight), and puts the allow headers on every answer to a listed origin.
import type { Call, Step } from '../../data-plane/call.js';
import type { Api } from '../../domain/types.js';
import type { CorsSettings } from './schema.js';

interface CompiledCors {
  anyOrigin: boolean;
  origins: Set<string>;
  /** Headers for an allowed origin's actual request, minus the origin itself. */
  simple: Record<string, string>;
  /** Extra headers for an allowed preflight. */
  preflight: Record<string, string>;
}

// Built once per API object: a snapshot rebuild makes new Api objects, so the cache follows config changes.
const compiled = new WeakMap<Api, CompiledCors | null>();

function compile(api: Api): CompiledCors | null {
  const s = api.settings.cors as CorsSettings | undefined;
  if (!s) return null;
  const simple: Record<string, string> = {};
  if (s.credentials) simple['access-control-allow-credentials'] = 'true';
  if (s.exposeHeaders.length) simple['access-control-expose-headers'] = s.exposeHeaders.join(', ');
  const preflight: Record<string, string> = {
    'access-control-allow-methods': s.methods.join(', '),
    'access-control-max-age': String(s.maxAge),
  };
  if (s.headers.length) preflight['access-control-allow-headers'] = s.headers.join(', ');
  return { anyOrigin: s.origins.includes('*'), origins: new Set(s.origins), simple, preflight };
}

export function corsOf(api: Api): CompiledCors | null {
  let c = compiled.get(api);
  if (c === undefined) {
    c = compile(api);
    compiled.set(api, c);
  }
  return c;
}

export function cors(): Step {
  return function cors(call: Call) {
    const api = call.api!;
    if (api.settings.cors === undefined) return;
    const c = corsOf(api)!;
    const { req, res } = call;
    const origin = req.headers.origin;
    const allowed = origin !== undefined && (c.anyOrigin || c.origins.has(origin));
    // The answer depends on Origin: caches must not serve one origin's answer to another.
    call.responseHeaders.vary = 'Origin';
    if (allowed) {
      call.responseHeaders['access-control-allow-origin'] =
        c.anyOrigin && !c.simple['access-control-allow-credentials'] ? '*' : origin;
      Object.assign(call.responseHeaders, c.simple);
    }
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    if (!preflight) return;
    // A refused origin gets the same 204 without allow headers: the browser then blocks the call itself.
    res.writeHead(204, {
      ...call.responseHeaders,
      ...(allowed ? c.preflight : {}),
      'x-request-id': call.requestId,
    });
    res.end();
  };
}
