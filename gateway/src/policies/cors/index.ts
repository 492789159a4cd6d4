// CORS per API (settings.cors; off by default): the gateway answers preflights itself, before the key check
// (browsers send no credentials on a preflight), and puts the allow headers on every answer to a listed origin,
// replacing the upstream's own.
import type { OutgoingHttpHeaders } from 'node:http';
import type { RoutedCall } from '../../data-plane/call.js';
import { definePolicy, type Hooks } from '../policy.js';
import { type CorsSettings, corsSettings } from './schema.js';

const ACCESS_CONTROL = 'access-control-';

interface CompiledCors {
  anyOrigin: boolean;
  origins: Set<string>;
  /** Headers for an allowed origin's actual request, minus the origin itself. */
  simple: Record<string, string>;
  /** Extra headers for an allowed preflight. */
  preflight: Record<string, string>;
}

function compile(s: CorsSettings): CompiledCors {
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

const isPreflight = ({ req }: RoutedCall) =>
  req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;

function corsHooks(c: CompiledCors): Hooks {
  const allowed = (origin: string | undefined): origin is string =>
    origin !== undefined && (c.anyOrigin || c.origins.has(origin));
  return {
    request(call: RoutedCall) {
      if (!isPreflight(call)) return;
      // The response half adds the allow headers; a refused origin gets the same 204 without them, and the
      // browser then blocks the call itself.
      call.writeHead(204, {});
      call.res.end();
    },
    response(call: RoutedCall, headers: OutgoingHttpHeaders) {
      for (const name in headers) if (name.startsWith(ACCESS_CONTROL)) delete headers[name];
      // The answer depends on Origin: caches must not serve one origin's answer to another.
      headers.vary = varyOrigin(headers.vary);
      const origin = call.req.headers.origin;
      if (!allowed(origin)) return;
      headers['access-control-allow-origin'] =
        c.anyOrigin && !c.simple['access-control-allow-credentials'] ? '*' : origin;
      Object.assign(headers, c.simple);
      if (isPreflight(call)) Object.assign(headers, c.preflight);
    },
  };
}

/** Adds Origin to the upstream's Vary rather than replacing what it varies on. */
function varyOrigin(vary: OutgoingHttpHeaders[string]): string {
  if (vary === undefined) return 'Origin';
  const list = Array.isArray(vary) ? vary.join(', ') : String(vary);
  return /(^|,)\s*(origin|\*)\s*(,|$)/i.test(list) ? list : `${list}, Origin`;
}

export const cors = definePolicy<CorsSettings>({
  name: 'cors',
  phase: 'early',
  settings: { key: 'cors', schema: corsSettings },
  create: () => ({ bind: (_api, settings) => (settings ? corsHooks(compile(settings)) : null) }),
});
