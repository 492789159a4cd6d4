// Bodies and views of an app's OAuth client ids and client certificates.
import { z } from 'zod';
import { appClientKinds } from '../../domain/app-clients.js';
import { id, timestamp } from './common.js';

const kind = z.enum(appClientKinds).meta({
  description:
    "`client_id`: the OAuth client a JWT (`azp`/`client_id`/`sub`) or an introspected token names; `cert_sha256`: a client certificate's SHA-256 fingerprint (hex, colons optional); `cert_subject`: its subject, e.g. `O=Acme,CN=billing`.",
});

export const appClientParams = z.object({ id, clientId: id }).strict();
export const appClientCreate = z
  .object({
    kind: kind.default('client_id'),
    value: z
      .string()
      .min(1)
      .max(500)
      .regex(/^[\x20-\x7e]+$/, 'must be visible ASCII'),
  })
  .strict()
  .refine((b) => b.kind !== 'cert_sha256' || /^([0-9a-fA-F]{2}:?){31}[0-9a-fA-F]{2}$/.test(b.value), {
    path: ['value'],
    message: 'must be a SHA-256 fingerprint: 64 hex digits, colons optional',
  });
export const appClientView = z.object({ id, appId: id, kind, value: z.string(), createdAt: timestamp });
