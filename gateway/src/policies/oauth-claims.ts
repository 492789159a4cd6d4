// What token-based auth methods (jwt-auth, introspection) share once a token's claims are trusted: the settings
// an API owner writes about them (client claim, scopes per route prefix, required claims, claim headers) and
// the step from claims to an AuthResult — the client the token names is an app's registered client id.
import { z } from 'zod';
import type { AuthResult, RoutedCall } from '../data-plane/call.js';
import { clientKey } from '../domain/app-clients.js';
import { GatewayError } from '../errors/gateway-error.js';
import { bearerChallenge, scopeChallenge } from './bearer.js';

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/; // RFC 9110 §5.6.2
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]+$/; // RFC 6749 §3.3 scope-token
// Headers the gateway sets or owns: a claim may not be passed upstream under one of these names.
const RESERVED_HEADERS =
  /^(host|connection|content-length|transfer-encoding|te|upgrade|trailer|via|forwarded|x-request-id|x-forwarded-.*|x-real-ip|x-gateway-(tenant|app|subscription))$/;

const claimName = z.string().min(1).max(100);
const scope = z.string().max(200).regex(SCOPE, 'must be an OAuth scope token');
const headerName = z
  .string()
  .regex(TOKEN, 'must be a header name')
  .toLowerCase()
  .refine((h) => !RESERVED_HEADERS.test(h), 'is a header the gateway sets itself');

/** The settings members both token methods take (spread into each one's schema). */
export const tokenClaimSettings = {
  clientClaims: z.array(claimName).min(1).max(5).default(['client_id', 'azp', 'sub']).meta({
    description:
      "Claims naming the token's OAuth client, tried in order; the first present must be a client id an app registered (POST /admin/v1/apps/{id}/clients).",
  }),
  scopes: z.array(scope).max(50).default([]).meta({ description: 'Scopes every call of the API needs.' }),
  routes: z
    .array(
      z
        .object({
          pathPrefix: z.string().startsWith('/').max(500),
          scopes: z.array(scope).min(1).max(50),
        })
        .strict(),
    )
    .max(100)
    .default([])
    .meta({
      description:
        "Extra scopes for paths under a prefix (the path after the API's base path; the longest matching prefix applies).",
    }),
  requiredClaims: z.array(claimName).max(20).default([]).meta({ description: 'Claims a token must carry.' }),
  claimHeaders: z.record(claimName, headerName).default({}).meta({
    description:
      'Verified claims passed upstream: claim → header name. A header of that name from the client is always dropped.',
  }),
  forwardToken: z.boolean().default(false).meta({
    description: 'Pass the Authorization header on to the upstream (off: the token stays at the gateway).',
  }),
};

type ClaimSettings = {
  clientClaims: string[];
  scopes: string[];
  routes: { pathPrefix: string; scopes: string[] }[];
  requiredClaims: string[];
  claimHeaders: Record<string, string>;
  forwardToken: boolean;
};

export type Claims = Record<string, unknown>;

/** `Authorization: Bearer <token>`, or null. */
export function bearerToken(call: RoutedCall): string | null {
  const auth = call.req.headers.authorization;
  if (!auth || auth.length <= 7 || auth.slice(0, 7).toLowerCase() !== 'bearer ') return null;
  const token = auth.slice(7).trim();
  return token || null;
}

/** A 401 with the RFC 6750 challenge; `error` is omitted when no token came at all. */
export function tokenRefusal(
  code:
    | 'token_missing'
    | 'token_invalid'
    | 'token_expired'
    | 'token_not_yet_valid'
    | 'token_issuer_invalid'
    | 'token_audience_invalid'
    | 'token_client_unknown',
  detail: string,
): GatewayError {
  const challenge = bearerChallenge(code === 'token_missing' ? undefined : detail);
  return new GatewayError(code, detail, { headers: { 'www-authenticate': challenge } });
}

/** The scopes a token grants: `scope` (space-separated, RFC 8693/9068) or `scp` (a list or a string). */
function grantedScopes(claims: Claims): Set<string> {
  const raw = claims.scope ?? claims.scp;
  if (typeof raw === 'string') return new Set(raw.split(' ').filter(Boolean));
  if (Array.isArray(raw)) return new Set(raw.filter((s): s is string => typeof s === 'string'));
  return new Set();
}

/** Header values must be visible ASCII: anything else in a claim is percent-encoded. */
function headerValue(value: unknown): string {
  const text =
    typeof value === 'string'
      ? value
      : Array.isArray(value) && value.every((v) => typeof v === 'string')
        ? value.join(' ')
        : JSON.stringify(value);
  return /^[\x20-\x7e]*$/.test(text) ? text : encodeURIComponent(text);
}

/**
 * Compiles the claim settings of one API into the step from verified claims to the call's AuthResult:
 * required claims, scopes (API-wide plus the longest matching route prefix), the client → app lookup and the
 * claim headers. `method` is the auth method recorded on the call.
 */
export function claimsToAuth(method: string, settings: ClaimSettings, basePath: string) {
  const routes = [...settings.routes].sort((a, b) => b.pathPrefix.length - a.pathPrefix.length);
  const headerNames = Object.values(settings.claimHeaders);
  // The client's own spelling of a claim header never reaches the upstream, whether the claim is there or not.
  const credentialHeaders = settings.forwardToken ? headerNames : ['authorization', ...headerNames];
  const claimHeaders = Object.entries(settings.claimHeaders);
  const base = basePath === '/' ? '' : basePath;

  const neededScopes = (path: string): string[] => {
    const rest = path.slice(base.length) || '/';
    const route = routes.find((r) => rest.startsWith(r.pathPrefix));
    return route ? [...settings.scopes, ...route.scopes] : settings.scopes;
  };

  return (call: RoutedCall, claims: Claims): AuthResult => {
    for (const name of settings.requiredClaims)
      if (claims[name] === undefined || claims[name] === null)
        throw tokenRefusal('token_invalid', `the token has no ${name} claim`);
    const needed = neededScopes(call.path);
    if (needed.length) {
      const granted = grantedScopes(claims);
      const lacking = needed.filter((s) => !granted.has(s));
      if (lacking.length)
        throw new GatewayError('insufficient_scope', `the token lacks the scope ${lacking.join(' ')}`, {
          headers: { 'www-authenticate': scopeChallenge(needed) },
        });
    }
    let client: string | null = null;
    for (const name of settings.clientClaims) {
      const value = claims[name];
      if (typeof value === 'string' && value) {
        client = value;
        break;
      }
    }
    if (client === null)
      throw tokenRefusal(
        'token_client_unknown',
        `the token names no client (${settings.clientClaims.join(', ')})`,
      );
    const entry = call.snapshot.clients.get(clientKey('client_id', client));
    const app = entry && call.snapshot.apps.get(entry.appId);
    if (!entry || !app)
      throw tokenRefusal('token_client_unknown', "the token's client is not registered to any app");
    let upstreamHeaders: Record<string, string> | null = null;
    for (const [claim, header] of claimHeaders) {
      const value = claims[claim];
      if (value === undefined || value === null) continue;
      upstreamHeaders ??= {};
      upstreamHeaders[header] = headerValue(value);
    }
    return { method, app, credentialId: entry.id, credentialHeaders, upstreamHeaders };
  };
}
