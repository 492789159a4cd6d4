// Schemas shared by several admin resources: ids, names, routes, upstream targets, lists.
import { z } from 'zod';

/** Ids are `<kind>_<base64url>`; anything else cannot name a resource (and never reaches the store). */
export const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'is not an id');
export const idParams = z.object({ id }).strict();
// PostgreSQL text cannot hold NUL; names also keep out other control characters that would garble logs.
export const name = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^\P{Cc}*$/u, 'must not contain control characters');
/** Free text (reasons, comments): any line breaks, but no NUL. */
export function text(max: number) {
  return z
    .string()
    .max(max)
    .refine((v) => !v.includes('\u0000'), 'must not contain NUL characters');
}
export const timestamp = z.string().meta({ format: 'date-time', description: 'ISO 8601, UTC' });

/** Paths the gateway answers itself; an API under one of them could never be reached. */
export const reservedPrefixes = ['/admin', '/console', '/portal', '/healthz', '/readyz', '/metrics'] as const;

const BASE_PATH_CHARS = /^[A-Za-z0-9/_.~-]+$/;

export const basePath = z
  .string()
  .max(200)
  .refine((p) => p.startsWith('/'), 'must start with /')
  .refine((p) => BASE_PATH_CHARS.test(p), 'may only contain A-Z a-z 0-9 / _ . ~ -')
  // "/" alone would swallow every path; a trailing slash would make "/a/" and "/a" two routes for one prefix.
  .refine((p) => p.length < 2 || !p.endsWith('/'), 'must not end with /')
  .refine((p) => p !== '/', 'must name a prefix, not /')
  .refine(
    (p) => !p.includes('//') && !p.split('/').some((s) => s === '..' || s === '.'),
    'must not contain //, . or ..',
  )
  .refine(
    (p) => !reservedPrefixes.some((r) => p === r || p.startsWith(`${r}/`)),
    `must not be under ${reservedPrefixes.join(', ')}`,
  )
  .meta({ example: '/echo' });

export const host = z
  .string()
  .max(253)
  .regex(/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:\d{1,5})?$/, {
    message: 'must be a host name (optionally with :port)',
  })
  .transform((h) => h.toLowerCase());

export const target = z
  .object({
    url: z.url({ protocol: /^https?$/, message: 'must be an http:// or https:// URL' }),
    weight: z.number().int().min(1).max(1000).default(1),
  })
  .strict();

export const problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    requestId: z.string().optional(),
    errors: z
      .array(z.object({ in: z.enum(['body', 'query', 'params']), field: z.string(), message: z.string() }))
      .optional(),
  })
  .meta({ description: 'RFC 9457 problem details' });

export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item) });
}

export const comment = z.object({ comment: text(1000).optional() }).strict();
