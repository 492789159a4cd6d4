// What an app may be known by besides its API keys, and the one spelling each is stored and looked up in.

/**
 * - `client_id`: the OAuth client a JWT or an introspected token names (jwt-auth, introspection);
 * - `cert_sha256`: a client certificate's SHA-256 fingerprint, lower-case hex without colons (mtls-auth);
 * - `cert_subject`: a client certificate's subject, RDNs as node prints them joined by `,` (`O=Acme,CN=billing`).
 */
export const appClientKinds = ['client_id', 'cert_sha256', 'cert_subject'] as const;
export type AppClientKind = (typeof appClientKinds)[number];

/** The stored spelling: fingerprints lose colons and case, subjects lose the line breaks node puts in them. */
export function normalizeClientValue(kind: AppClientKind, value: string): string {
  if (kind === 'cert_sha256') return value.replaceAll(':', '').toLowerCase();
  if (kind === 'cert_subject')
    return value
      .split(/\n|,\s*/)
      .filter(Boolean)
      .join(',');
  return value;
}

/** The snapshot's key for a client: kind and value (store/migrations/013 keys its change log the same way). */
export function clientKey(kind: AppClientKind, value: string): string {
  return `${kind} ${value}`;
}
