// The process logger (pino). Redaction is a second line of defence: secrets should never reach a log call.
import { pino } from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'gateway' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-api-key"]',
        'headers.authorization',
        'headers["x-api-key"]',
        'req.headers.cookie',
        'headers.cookie',
        'req.headers["x-csrf-token"]',
        'headers["x-csrf-token"]',
        '*.token',
        '*.clientSecret',
        '*.csrfToken',
        '*.key',
        '*.password',
      ],
      censor: '[redacted]',
    },
  });
}
