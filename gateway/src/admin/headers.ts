// Response headers every admin answer carries: no caching of secrets, no sniffing or framing, a request id.
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';

export const securityHeaders = {
  'x-content-type-options': 'nosniff',
  // Responses hold freshly issued keys and tokens: no cache, shared or private, may keep them.
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'",
  'referrer-policy': 'no-referrer',
} as const;

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function adminHeaders(): RequestHandler {
  return function setAdminHeaders(req, res, next) {
    for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
    // The server may already have assigned one; otherwise keep a sane client id or make one.
    if (!res.hasHeader('x-request-id')) {
      const offered = req.headers['x-request-id'];
      res.setHeader(
        'x-request-id',
        typeof offered === 'string' && SAFE_REQUEST_ID.test(offered) ? offered : randomUUID(),
      );
    }
    next();
  };
}
