// Request validation: zod issues → one 400 problem with an `errors` array; JSON bodies read only as JSON.
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import { GatewayError } from '../errors/gateway-error.js';

export type Location = 'body' | 'query' | 'params';

export interface FieldError {
  in: Location;
  /** Dotted path of the offending field (`targets.0.url`); `''` for the whole document. */
  field: string;
  message: string;
}

export const MAX_BODY_BYTES = 256 * 1024;

export function fieldErrors(where: Location, error: z.ZodError): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const base = issue.path.map(String);
    // Unknown fields are reported one per name so the caller sees exactly which ones to drop.
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        out.push({ in: where, field: [...base, key].join('.'), message: 'unknown field' });
    } else {
      out.push({ in: where, field: base.join('.'), message: issue.message });
    }
  }
  return out;
}

export function validationFailed(errors: FieldError[]): GatewayError {
  const names = errors.map((e) => `${e.in}${e.field ? `.${e.field}` : ''}`);
  return new GatewayError('validation_failed', `invalid request: ${[...new Set(names)].join(', ')}`, {
    fields: { errors },
  });
}

export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, where: Location): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationFailed(fieldErrors(where, result.error));
  return result.data;
}

// The content type is checked before parsing, so the parser itself accepts whatever reached it.
const parseJson = express.json({ limit: MAX_BODY_BYTES, strict: true, type: () => true });

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Reads a JSON body: none → `{}`; a body that is not JSON by its content type → 415; bad JSON → 400. */
export function readJsonBody(req: Request, res: Response, next: NextFunction): void {
  if (!hasBody(req)) {
    req.body = {};
    next();
    return;
  }
  if (!req.is(['application/json', 'application/*+json'])) {
    next(new GatewayError('unsupported_media_type', 'request bodies must be application/json'));
    return;
  }
  parseJson(req, res, next);
}

/** Reads a body of one of `mediaTypes` as text, up to `limitBytes`: none → `''`; another type → 415. */
export function readTextBody(spec: { mediaTypes: readonly string[]; limitBytes: number }): RequestHandler {
  const parseText = express.text({ limit: spec.limitBytes, type: () => true });
  return function readText(req, res, next) {
    if (!hasBody(req)) {
      req.body = '';
      next();
      return;
    }
    if (!req.is([...spec.mediaTypes])) {
      next(new GatewayError('unsupported_media_type', `send the body as ${spec.mediaTypes.join(' or ')}`));
      return;
    }
    parseText(req, res, (err?: unknown) => {
      // body-parser's own message would name the JSON limit; this body has its own.
      if (err && (err as { type?: unknown }).type === 'entity.too.large')
        next(new GatewayError('payload_too_large', `this body is limited to ${spec.limitBytes} bytes`));
      else next(err);
    });
  };
}

/** body-parser reports its failures as errors with a `type`; these are the client's mistakes, not ours. */
export function bodyParserError(err: unknown): GatewayError | null {
  if (!err || typeof err !== 'object' || !('type' in err)) return null;
  switch ((err as { type: unknown }).type) {
    case 'entity.parse.failed':
      return new GatewayError('malformed_json', 'the request body is not valid JSON');
    case 'entity.too.large':
      return new GatewayError('payload_too_large', `request bodies are limited to ${MAX_BODY_BYTES} bytes`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new GatewayError('unsupported_media_type', 'unsupported content encoding or charset');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new GatewayError('bad_request', 'the request body could not be read');
    default:
      return null;
  }
}
