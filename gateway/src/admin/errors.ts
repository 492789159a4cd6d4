// The admin API's one error renderer: whatever was thrown becomes problem+json; stacks stay in the log.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { GatewayContext } from '../context.js';
import { GatewayError } from '../errors/gateway-error.js';
import { sendProblem, toGatewayError } from '../errors/problem.js';
import { storeError } from '../store/repos/store-errors.js';
import { bodyParserError } from './validation.js';

export function unknownRoute(): RequestHandler {
  return function adminNotFound(req, _res, next) {
    next(new GatewayError('not_found', `no admin route ${req.method} ${req.path}`));
  };
}

/** Errors express itself raises for a bad request (e.g. an undecodable `%zz` in the path) carry a 4xx status. */
function clientHttpError(err: unknown): GatewayError | null {
  if (err instanceof GatewayError || !err || typeof err !== 'object') return null;
  const status = (err as { status?: unknown }).status;
  if (typeof status !== 'number' || status < 400 || status > 499) return null;
  return new GatewayError('bad_request', 'the request could not be understood (check its URL encoding)');
}

export function renderErrors(ctx: GatewayContext): ErrorRequestHandler {
  return function adminError(err, req, res, _next) {
    const error = toGatewayError(bodyParserError(err) ?? clientHttpError(err) ?? storeError(err));
    if (error.code === 'internal' || error.code === 'store_unavailable') {
      ctx.logger.error({ err, method: req.method, path: req.path }, 'admin request failed');
    }
    const requestId = res.getHeader('x-request-id');
    sendProblem(res, error, typeof requestId === 'string' ? requestId : undefined);
  };
}
