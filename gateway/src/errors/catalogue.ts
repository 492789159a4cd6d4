// Every error the gateway answers with: a stable code, its HTTP status and title. docs/errors.md lists them;
// a test keeps the two in step.
import type { LimitReason } from '../limits/limits.js';

export const errorCatalogue = {
  // Data plane
  route_not_found: { status: 404, title: 'No route' },
  key_missing: { status: 401, title: 'API key required' },
  key_invalid: { status: 401, title: 'API key invalid' },
  key_expired: { status: 401, title: 'API key expired' },
  // Data plane, token and certificate auth (docs/auth.md)
  token_missing: { status: 401, title: 'Bearer token required' },
  token_invalid: { status: 401, title: 'Token invalid' },
  token_expired: { status: 401, title: 'Token expired' },
  token_not_yet_valid: { status: 401, title: 'Token not yet valid' },
  token_issuer_invalid: { status: 401, title: 'Token issuer not accepted' },
  token_audience_invalid: { status: 401, title: 'Token audience not accepted' },
  token_client_unknown: { status: 401, title: 'Token client not registered' },
  insufficient_scope: { status: 403, title: 'Insufficient scope' },
  jwks_unavailable: { status: 503, title: 'Signing keys unavailable' },
  introspection_unavailable: { status: 503, title: 'Token introspection unavailable' },
  certificate_missing: { status: 401, title: 'Client certificate required' },
  certificate_invalid: { status: 401, title: 'Client certificate not accepted' },
  credentials_missing: { status: 401, title: 'Credentials required' },
  subscription_required: { status: 403, title: 'No approved subscription' },
  rate_limited: { status: 429, title: 'Rate limit exceeded' },
  quota_exceeded: { status: 429, title: 'Quota exceeded' },
  body_too_large: { status: 413, title: 'Request body too large' },
  upstream_unavailable: { status: 502, title: 'Upstream unavailable' },
  upstream_timeout: { status: 504, title: 'Upstream timeout' },
  limits_unavailable: { status: 503, title: 'Limits store unavailable' },
  bad_request: { status: 400, title: 'Bad request' },
  // Data plane, refused before routing (security/framing.ts, server.ts)
  expectation_failed: { status: 417, title: 'Expectation failed' },
  too_many_headers: { status: 431, title: 'Too many header fields' },
  http_version_not_supported: { status: 505, title: 'HTTP version not supported' },
  loop_detected: { status: 508, title: 'Loop detected' },
  too_many_upgrades: { status: 429, title: 'Too many WebSocket connections' },
  upgrades_unavailable: { status: 503, title: 'WebSocket capacity reached' },
  // Data plane, AI (see docs/ai.md)
  model_not_found: { status: 404, title: 'Model not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  invalid_variables: { status: 400, title: 'Invalid prompt variables' },
  ai_keys_cooling: { status: 503, title: 'AI provider keys cooling down' },
  budget_exceeded: { status: 429, title: 'Spend budget exceeded' },
  // Control plane
  unauthorized: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not found' },
  validation_failed: { status: 400, title: 'Validation failed' },
  malformed_json: { status: 400, title: 'Malformed JSON' },
  conflict: { status: 409, title: 'Conflict' },
  illegal_transition: { status: 409, title: 'Illegal state transition' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  too_many_attempts: { status: 429, title: 'Too many failed attempts' },
  store_unavailable: { status: 503, title: 'Store unavailable' },
  internal: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

/**
 * What a call record's `errorKind` may say beyond a code: a finer kind of one code, so the call log and the
 * metrics can tell a refused connection from a reset one while the client sees one problem type.
 */
export const refinedErrorKinds = {
  client_abort: null, // the client left; nobody was answered
  upstream_refused: 'upstream_unavailable',
  upstream_reset: 'upstream_unavailable',
  upstream_queue_timeout: 'upstream_timeout', // no connection of an AI provider's pool came free in time
  upstream_circuit_open: 'upstream_unavailable',
  upstream_no_key: 'upstream_unavailable',
  upstream_error: 'upstream_unavailable', // an AI stream's error event
  upstream_key_unreadable: 'upstream_unavailable',
} as const satisfies Record<string, ErrorCode | null>;

/** `limited_<reason>` (limits/limits.ts `limitReasons`): which limit refused the call. */
export type LimitedKind = `limited_${LimitReason}`;

export type ErrorKind =
  | ErrorCode
  | keyof typeof refinedErrorKinds
  | LimitedKind
  // An AI provider's last answer was this HTTP status (ai/attempts.ts).
  | `upstream_http_${number}`;
