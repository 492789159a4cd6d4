// Typed, random resource ids (`api_…`, `app_…`) so an id in a log says what it names.
import { randomBytes } from 'node:crypto';

export const idPrefixes = {
  tenant: 'ten',
  tenantToken: 'tok',
  api: 'api',
  plan: 'pln',
  app: 'app',
  key: 'key',
  appClient: 'cli',
  subscription: 'sub',
  provider: 'prv',
  model: 'mdl',
  budget: 'bdg',
  user: 'usr',
  session: 'ses',
  webhook: 'whk',
  event: 'evt',
} as const;

export function newId(kind: keyof typeof idPrefixes): string {
  return `${idPrefixes[kind]}_${randomBytes(10).toString('base64url')}`;
}

export function nowIso(): string {
  return new Date().toISOString();
}
