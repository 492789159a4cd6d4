// Renders any thrown value as an RFC 9457 problem+json response; unknown errors become a bare 500.
import type { ServerResponse } from 'node:http';
import { GatewayError } from './gateway-error.js';

export const PROBLEM_TYPE_BASE = 'https://gateway-kit.dev/problems/';

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  [member: string]: unknown;
}

export function toGatewayError(err: unknown): GatewayError {
  return err instanceof GatewayError ? err : new GatewayError('internal');
}

export function problemOf(err: GatewayError, requestId?: string): ProblemDocument {
  return {
    type: PROBLEM_TYPE_BASE + err.code.replaceAll('_', '-'),
    title: err.title,
    status: err.status,
    detail: err.message,
    code: err.code,
    ...(requestId ? { requestId } : {}),
    ...err.extra.fields,
  };
}

/** Writes the problem document unless headers already left; then the only honest move is to cut the connection. */
export function sendProblem(res: ServerResponse, err: GatewayError, requestId?: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(problemOf(err, requestId));
  res.statusCode = err.status;
  for (const [name, value] of Object.entries(err.extra.headers ?? {})) res.setHeader(name, value);
  res.setHeader('content-type', 'application/problem+json');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}
