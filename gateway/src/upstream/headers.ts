// Header rewriting between client and upstream: hop-by-hop headers go (RFC 9110 §7.6.1), the gateway's own
// headers are set, and what only the gateway should see (the API key, identity spoofing) never leaves it.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { RoutedCall } from '../data-plane/call.js';

export const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Headers the client may not set for the upstream: ours to set, or the client's secret. */
export const GATEWAY_OWNED = new Set([
  'host',
  'x-api-key',
  'x-request-id',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'x-forwarded-port',
  'x-forwarded-prefix',
  // RFC 7239 and nginx's convention: other spellings of the client address an upstream might believe.
  'forwarded',
  'x-real-ip',
]);
const NO_HEADERS: readonly string[] = [];
export const IDENTITY_PREFIX = 'x-gateway-';

/** Names listed in a Connection header are hop-by-hop for this message too. */
function connectionListed(value: string | string[] | undefined): Set<string> | null {
  // Nearly every upstream answer says `keep-alive` (or `close`): both are hop-by-hop already, so there is
  // nothing more to drop, and no Set is built per call (0.8 % of a keyed call's profile).
  if (!value || value === 'keep-alive' || value === 'close') return null;
  const list = Array.isArray(value) ? value.join(',') : value;
  const names = new Set<string>();
  for (const part of list.split(',')) {
    const name = part.trim().toLowerCase();
    if (name) names.add(name);
  }
  return names;
}

export interface ForwardedInfo {
  requestId: string;
  /** The whole X-Forwarded-For value (data-plane/client-ip.ts decides what of the client's chain is kept). */
  forwardedFor: string;
  proto: string;
  /** Headers that carried the caller's credential (the auth slot's): the client's secret, not passed on. */
  credentialHeaders: readonly string[];
  /** `tenant` is the consumer's (the app's) tenant, `apiTenant` the provider's (the API's). */
  identity: { tenant: string; app: string; subscription: string; apiTenant: string } | null;
  /** The auth method's own headers about the caller (auth slot's upstreamHeaders). */
  authHeaders?: Readonly<Record<string, string>> | null;
}

export function upstreamRequestHeaders(
  incoming: IncomingHttpHeaders,
  info: ForwardedInfo,
): Record<string, string | string[]> {
  const listed = connectionListed(incoming.connection);
  const out: Record<string, string | string[]> = {};
  for (const name in incoming) {
    if (HOP_BY_HOP.has(name) || GATEWAY_OWNED.has(name) || name.startsWith(IDENTITY_PREFIX)) continue;
    if (listed?.has(name)) continue;
    if (info.credentialHeaders.includes(name)) continue;
    const value = incoming[name];
    if (value !== undefined) out[name] = value;
  }
  out['x-forwarded-for'] = info.forwardedFor;
  out['x-forwarded-proto'] = info.proto;
  if (incoming.host) out['x-forwarded-host'] = incoming.host;
  out['x-request-id'] = info.requestId;
  if (info.authHeaders) Object.assign(out, info.authHeaders);
  if (info.identity) {
    out['x-gateway-tenant'] = info.identity.tenant;
    out['x-gateway-app'] = info.identity.app;
    out['x-gateway-subscription'] = info.identity.subscription;
    out['x-gateway-api-tenant'] = info.identity.apiTenant;
  }
  return out;
}

/** The upstream's response headers for the client: hop-by-hop ones go; policies' response halves do the rest. */
export function clientResponseHeaders(
  upstream: Record<string, string | string[] | undefined>,
): OutgoingHttpHeaders {
  const listed = connectionListed(upstream.connection);
  const out: OutgoingHttpHeaders = {};
  for (const name in upstream) {
    if (HOP_BY_HOP.has(name) || listed?.has(name)) continue;
    out[name] = upstream[name];
  }
  return out;
}

/** The upstream headers of a call, for forwarding and for WebSocket upgrades alike. */
export function upstreamHeadersOf(call: RoutedCall): Record<string, string | string[]> {
  const { req, auth, subscription } = call;
  return upstreamRequestHeaders(req.headers, {
    requestId: call.requestId,
    forwardedFor: call.forwardedFor,
    // A TLS listener's socket is a TLSSocket (server.ts): the upstream learns the client spoke https.
    proto: (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http',
    credentialHeaders: auth?.credentialHeaders ?? NO_HEADERS,
    authHeaders: auth?.upstreamHeaders ?? null,
    identity:
      auth && subscription
        ? {
            tenant: auth.app.tenantId,
            app: auth.app.id,
            subscription: subscription.id,
            apiTenant: call.api.tenantId,
          }
        : null,
  });
}
