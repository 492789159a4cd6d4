// The `jwt` member of an API's settings (auth: jwt): which issuers, audiences and keys a token must match, and
// what the gateway does with its claims (policies/oauth-claims.ts).
import { z } from 'zod';
import { tokenClaimSettings } from '../oauth-claims.js';

/** Asymmetric algorithms a JWKS or static keys may use; HS256 only with an explicit shared secret. */
export const asymmetricAlgorithms = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

const publicJwk = z
  .object({
    kty: z.enum(['RSA', 'EC', 'OKP']),
    kid: z.string().max(200).optional(),
    alg: z.enum(asymmetricAlgorithms).optional(),
    use: z.literal('sig').optional(),
  })
  .catchall(z.unknown())
  .refine((k) => !('d' in k), 'must be a public key (it has a private member d)');

export const jwtSettings = z
  .object({
    issuers: z
      .array(z.string().min(1).max(500))
      .min(1)
      .max(10)
      .meta({ description: 'Accepted `iss` values.' }),
    audiences: z
      .array(z.string().min(1).max(500))
      .min(1)
      .max(10)
      .meta({ description: 'Accepted `aud` values: the token must name one.' }),
    jwksUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .meta({ description: "The issuer's JWKS document, fetched through the gateway's outbound guard." }),
    keys: z.array(publicJwk).min(1).max(20).optional().meta({ description: 'Static public keys (JWK).' }),
    sharedSecret: z
      .string()
      .min(32, 'must be at least 32 characters')
      .max(512)
      .optional()
      .meta({ description: 'HS256 secret. Only with this set is HS256 accepted; never with JWKS or keys.' }),
    algorithms: z
      .array(z.enum(asymmetricAlgorithms))
      .min(1)
      .optional()
      .meta({ description: 'Narrows the accepted asymmetric algorithms (default: all of them).' }),
    clockSkewSeconds: z.number().int().min(0).max(300).default(30),
    jwks: z
      .object({
        refreshMs: z.number().int().min(0).max(86_400_000).default(300_000),
        cooldownMs: z.number().int().min(0).max(3_600_000).default(30_000),
        maxStaleMs: z
          .number()
          .int()
          .min(0)
          .max(7 * 86_400_000)
          .default(3_600_000),
      })
      .strict()
      .default({ refreshMs: 300_000, cooldownMs: 30_000, maxStaleMs: 3_600_000 })
      .meta({
        description:
          'JWKS caching: refreshed in the background once refreshMs old, re-fetched on an unknown kid at most once per cooldownMs, served while the URL is down until maxStaleMs after the last good fetch (then 503).',
      }),
    verifiedCache: z
      .object({
        ttlMs: z.number().int().min(0).max(3_600_000).default(60_000),
        maxEntries: z.number().int().min(1).max(1_000_000).default(10_000),
      })
      .strict()
      .default({ ttlMs: 60_000, maxEntries: 10_000 })
      .meta({
        description:
          'Verified tokens kept (by hash) so a repeated token skips the signature check: each until its exp or ttlMs, whichever is sooner (0: off); the least recently used go first past maxEntries.',
      }),
    ...tokenClaimSettings,
  })
  .strict()
  .refine(
    (s) => [s.jwksUrl, s.keys, s.sharedSecret].filter((v) => v !== undefined).length === 1,
    'set exactly one of jwksUrl, keys and sharedSecret',
  )
  .refine((s) => s.sharedSecret === undefined || s.algorithms === undefined, {
    path: ['algorithms'],
    message: 'a shared secret means HS256 only',
  });

export type JwtSettings = z.infer<typeof jwtSettings>;
