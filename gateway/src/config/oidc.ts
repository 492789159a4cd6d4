// OIDC single sign-on providers (docs/people.md): declared in OIDC_PROVIDERS as JSON, validated once at start-up.
// A client secret is never in that JSON, only a `${env:NAME}` reference to another variable, so the JSON can be
// shown, diffed and logged; the secret is read from the process environment when the provider is first used.
import { z } from 'zod';
import { tenantRoles } from '../admin/principal.js';

const SECRET_REF = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The value a `${env:NAME}` reference names; undefined when the variable is unset or empty. */
export function secretOf(ref: string): string | undefined {
  const name = SECRET_REF.exec(ref)?.[1];
  return (name && process.env[name]) || undefined;
}

const roleGrant = z
  .object({
    /** A value of the provider's claim (a group name, say). */
    value: z.string().min(1),
    role: z.enum(['platform', ...tenantRoles]),
    /** The tenant a tenant role is granted in; a tenant provider's own tenant when it has one. */
    tenantId: z.string().min(1).optional(),
  })
  .strict();

export const oidcProviderSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be 1-40 lowercase letters, digits or -'),
    name: z.string().min(1).max(100),
    issuer: z
      .url({ protocol: /^https?$/ })
      .refine((v) => v.startsWith('https:') || LOOPBACK.has(new URL(v).hostname), {
        message: 'must be https:// (http:// only on loopback, for tests)',
      }),
    clientId: z.string().min(1),
    clientSecret: z
      .string()
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the reference syntax, not a template
      .regex(SECRET_REF, 'must be a ${env:NAME} reference, never the secret itself')
      .refine((ref) => secretOf(ref) !== undefined, {
        message: 'names an environment variable that is unset or empty',
      }),
    /** Set: a tenant's provider, which grants roles in that tenant only. Unset: platform-wide. */
    tenantId: z.string().min(1).optional(),
    /** The ID token / userinfo claim whose values (a string or a list of strings) are mapped to roles. */
    claim: z.string().min(1).default('groups'),
    roles: z.array(roleGrant).min(1),
    scopes: z.string().min(1).default('openid email profile'),
  })
  .strict()
  .superRefine((p, issue) => {
    p.roles.forEach((grant, i) => {
      const say = (message: string) => issue.addIssue({ code: 'custom', path: ['roles', i], message });
      if (grant.role === 'platform' && (p.tenantId || grant.tenantId)) {
        say(`only a platform-wide provider may grant platform, and without a tenantId`);
      } else if (grant.role !== 'platform' && !p.tenantId && !grant.tenantId) {
        say(`a platform-wide provider must name the tenantId of a ${grant.role} role`);
      } else if (p.tenantId && grant.tenantId && grant.tenantId !== p.tenantId) {
        say(`a tenant's provider grants roles in its own tenant only`);
      }
    });
  })
  .transform((p) => ({
    ...p,
    roles: p.roles.map((g) => (p.tenantId ? { ...g, tenantId: p.tenantId } : g)),
  }));

export type OidcProvider = z.output<typeof oidcProviderSchema>;

/** The env variable: a JSON array (or, when startGateway parses an already parsed Env, the array itself). */
export const oidcProvidersSchema = z
  .preprocess((raw, ctx) => {
    if (typeof raw !== 'string') return raw;
    try {
      return JSON.parse(raw);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'is not valid JSON (a list of providers)' });
      return z.NEVER;
    }
  }, z.array(oidcProviderSchema))
  .refine((list) => new Set(list.map((p) => p.id)).size === list.length, {
    message: 'has two providers with the same id',
  })
  .default([]);
