// The echo service's one error type, and its rendering as RFC 9457 problem+json.
import type http from 'node:http';

/** Stable codes: the HTTP status each one answers with. */
export const EchoErrorCode = {
  BAD_PARAMETER: 400,
  UPGRADE_REQUIRED: 426,
  INVALID_ENV: 500,
  INTERNAL: 500,
} as const;
export type EchoErrorCode = keyof typeof EchoErrorCode;

export class EchoError extends Error {
  readonly status: number;

  constructor(
    readonly code: EchoErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EchoError';
    this.status = EchoErrorCode[code];
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  426: 'Upgrade Required',
  500: 'Internal Server Error',
};

export function writeProblem(res: http.ServerResponse, error: EchoError): void {
  const body = JSON.stringify({
    type: 'about:blank',
    title: TITLES[error.status] ?? 'Error',
    status: error.status,
    detail: error.message,
  });
  res.writeHead(error.status, {
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
