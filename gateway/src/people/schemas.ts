// Bodies and views of the people routes: users, memberships, sessions, personal tokens, one-time links.
import { z } from 'zod';
import { routeRoles, tenantRoles } from '../admin/principal.js';
import { id, name, timestamp } from '../admin/schemas/common.js';
import { futureTimestamp, tokenIssued, tokenView } from '../admin/schemas/tenants.js';
import { password } from './passwords.js';

export const email = z
  .email()
  .max(254)
  .transform((v) => v.toLowerCase());

const membership = z.object({ tenantId: id, role: z.enum(tenantRoles) });

export const userView = z.object({
  id,
  email: z.string(),
  displayName: z.string(),
  status: z.enum(['invited', 'active', 'disabled']),
  platformAdmin: z.boolean(),
  createdAt: timestamp,
  lastLoginAt: timestamp.nullable(),
  memberships: z.array(membership),
});

export const login = z.object({ email, password: z.string().min(1).max(256) }).strict();

export const sessionView = z.object({
  id,
  createdAt: timestamp,
  lastSeenAt: timestamp,
  expiresAt: timestamp,
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  via: z.enum(['password', 'sso', 'link']),
  current: z.boolean(),
});

export const signedIn = z.object({
  user: userView,
  session: sessionView,
  csrfToken: z
    .string()
    .meta({ description: 'Send as X-CSRF-Token on every write made with the session cookie' }),
});

export const personalTokenCreate = z
  .object({
    name: name.optional(),
    tenantId: id.nullable().default(null).meta({ description: 'null: platform-wide (platform admins only)' }),
    role: z.enum(routeRoles.filter((r) => r !== 'public' && r !== 'self') as [string, ...string[]]),
    expiresAt: futureTimestamp.meta({ description: 'Required: personal tokens always expire' }),
  })
  .strict();

export { tokenIssued as personalTokenIssued, tokenView as personalTokenView };

export const userCreate = z
  .object({
    email,
    displayName: name,
    platformAdmin: z.boolean().default(false),
    memberships: z.array(membership).max(100).default([]),
  })
  .strict();

export const userPatch = z
  .object({ displayName: name, status: z.enum(['active', 'disabled']), platformAdmin: z.boolean() })
  .partial()
  .strict();

export const memberParams = z.object({ id, userId: id }).strict();
export const memberPut = z.object({ role: z.enum(tenantRoles) }).strict();

export const invitationCreate = z
  .object({ email, displayName: name.optional(), role: z.enum(tenantRoles) })
  .strict();
export const invited = z.object({
  user: userView,
  link: z.string().nullable().meta({
    description: 'The one-time link, only when no mail transport is configured (else it is mailed)',
  }),
});

export const linkRedeem = z
  .object({ token: z.string().min(1).max(200), password, displayName: name.optional() })
  .strict();
export const resetRequest = z.object({ email }).strict();
