// Finds the API for a call: host-specific routes first, then any-host routes, longest base path wins
// (snapshot/route-table.ts: a trie by path segment, so the cost does not grow with the number of APIs).

import type { Call, Step } from '../../data-plane/call.js';
import type { Api } from '../../domain/types.js';
import { GatewayError } from '../../errors/gateway-error.js';

const NO_ROUTE = 'no API is published at this path';
const DOT_SEGMENT = 'the path has a dot segment, an empty segment or an encoded slash';
const PATH_PARAMETER = 'a ; path parameter here would route the call to another API';
// `;params` in a segment: Java servlet containers strip them before routing, most other servers do not.
const PARAMETERS = /;[^/]*/g;

// A dot segment, raw or percent-encoded (`..;` too, which Tomcat reads as `..`), an empty segment (`//`) or an
// encoded slash or backslash: an upstream that normalises it could serve a path outside the API's base path
// or one a longer base path guards, so such a path is refused rather than guessed at (RFC 3986 §5.2.4).
const UNSAFE_PATH = /(?:^|\/)(?:\.|%2e){1,2}(?:[/;]|$)|\/\/|%2f|%5c|\\/i;
const UNSAFE_BUT_ENCODED_SLASH = /(?:^|\/)(?:\.|%2e){1,2}(?:[/;]|$)|\/\/|%5c|\\/i;

/**
 * `GET <ai api>/models/org%2Fmodel-x`: OpenAI clients encode a model name's `/` that way. The AI layer
 * answers that route itself (nothing is forwarded), so an encoded slash there reaches no upstream.
 */
function encodedSlashAllowed(api: Api, path: string): boolean {
  return (
    api.kind === 'ai' &&
    path.startsWith(`${api.basePath === '/' ? '' : api.basePath}/models/`) &&
    !UNSAFE_BUT_ENCODED_SLASH.test(path)
  );
}

/** Host header without port, lower-case. */
export function hostOf(hostHeader: string | undefined): string {
  if (!hostHeader) return '';
  const h = hostHeader.toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.indexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

export function routeMatch(): Step {
  return function routeMatch(call: Call) {
    const header = call.req.headers.host?.toLowerCase();
    const host = hostOf(header);
    // An API may name a host with its port (api.example.com:8443): that exact authority first, then the host.
    const api = call.snapshot.routes.lookup(header, host, call.path);
    // Known before the path is judged, so a refusal answers in the API's error shape (an AI API's, OpenAI's).
    call.api = api || null;
    if (UNSAFE_PATH.test(call.path) && !(api && encodedSlashAllowed(api, call.path)))
      throw new GatewayError('bad_request', DOT_SEGMENT);
    if (!api) throw new GatewayError('route_not_found', NO_ROUTE);
    // `/o/secret;x/y` routes to an open `/o` as sent, but a Java upstream reads it as `/o/secret/y`: when the
    // two readings pick different APIs the call is refused rather than routed on the less protected one.
    if (
      call.path.includes(';') &&
      call.snapshot.routes.lookup(header, host, call.path.replace(PARAMETERS, '')) !== api
    )
      throw new GatewayError('bad_request', PATH_PARAMETER);
  };
}
