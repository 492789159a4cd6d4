// The `introspection` member of an API's settings (auth: introspection): the RFC 7662 endpoint opaque tokens
// are checked at, how long its answers are kept, and what the gateway does with the claims it returns.
import { z } from 'zod';
import { tokenClaimSettings } from '../oauth-claims.js';

export const introspectionSettings = z
  .object({
    url: z
      .url({ protocol: /^https?$/ })
      .meta({ description: "The authorization server's introspection endpoint (RFC 7662)." }),
    clientId: z.string().min(1).max(500).meta({ description: "The gateway's client id at the endpoint." }),
    clientSecret: z
      .string()
      .min(1)
      .max(500)
      .meta({ description: 'Sent with clientId as HTTP Basic credentials.' }),
    issuers: z.array(z.string().min(1).max(500)).max(10).default([]).meta({
      description: "If set, the answer's `iss` must be one of these.",
    }),
    audiences: z.array(z.string().min(1).max(500)).max(10).default([]).meta({
      description: "If set, the answer's `aud` must name one of these.",
    }),
    timeoutMs: z.number().int().min(100).max(30_000).default(3000),
    cache: z
      .object({
        activeMs: z.number().int().min(0).max(3_600_000).default(30_000),
        inactiveMs: z.number().int().min(0).max(3_600_000).default(5000),
      })
      .strict()
      .default({ activeMs: 30_000, inactiveMs: 5000 })
      .meta({
        description:
          'How long an answer is reused: an active one for activeMs (never past its exp), an inactive one for inactiveMs.',
      }),
    ...tokenClaimSettings,
  })
  .strict();

export type IntrospectionSettings = z.infer<typeof introspectionSettings>;
