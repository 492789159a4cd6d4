// Client-certificate authentication (`auth: mtls`) on a TLS listener with TLS_CLIENT_CERTS=request: the
// certificate the connection presented must chain to one of the API's CAs, be within its validity, not be
// revoked by fingerprint, and be registered to an app by its SHA-256 fingerprint or its subject. The check is
// per API (CAs differ), so it happens here and not in the handshake; it is remembered per connection.
import { X509Certificate } from 'node:crypto';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import type { RoutedCall } from '../../data-plane/call.js';
import { clientKey, normalizeClientValue } from '../../domain/app-clients.js';
import { GatewayError } from '../../errors/gateway-error.js';
import { accepts, definePolicy, type Hooks } from '../policy.js';
import { type Crl, parseCrls, serialOf } from './crl.js';
import { type MtlsSettings, mtlsSettings, pemCertificates } from './schema.js';

export const MTLS_AUTH = 'mtls';
const MISSING = 'this API needs a client certificate, presented in the TLS handshake';
const UNTRUSTED = 'the client certificate is not issued by a CA this API trusts';
const EXPIRED = 'the client certificate is expired or not yet valid';
const REVOKED = 'the client certificate is revoked';
const CRL_REVOKED = "the client certificate is revoked (listed in its CA's CRL)";
const CRL_STALE =
  "the CRL of the client certificate's CA is past its nextUpdate; the API owner must replace it";
const UNKNOWN = 'the client certificate is registered to no app';

// No HTTP auth scheme is registered for TLS client certificates, yet every 401 must carry a challenge
// (RFC 9110 §15.5.2): a scheme of our own says what to present; clients ignore schemes they do not know.
const CHALLENGE = 'ClientCertificate realm="gateway"';
const refusal = (detail: string) =>
  new GatewayError('certificate_invalid', detail, {
    headers: {
      'www-authenticate': `${CHALLENGE}, error="invalid_certificate", error_description="${detail}"`,
    },
  });

/** The presented chain, leaf first, parsed once per connection. */
const chains = new WeakMap<TLSSocket, X509Certificate[] | null>();

function presentedChain(call: RoutedCall): X509Certificate[] | null {
  const socket = call.req.socket as TLSSocket;
  if (!socket.encrypted) return null;
  if (chains.has(socket)) return chains.get(socket)!;
  let chain: X509Certificate[] | null = null;
  let peer = socket.getPeerCertificate(true) as PeerCertificate & { issuerCertificate?: PeerCertificate };
  if (peer?.raw) {
    chain = [];
    const seen = new Set<string>();
    while (peer?.raw && !seen.has(peer.fingerprint256)) {
      seen.add(peer.fingerprint256);
      chain.push(new X509Certificate(peer.raw));
      peer = peer.issuerCertificate as typeof peer;
    }
  }
  chains.set(socket, chain);
  return chain;
}

/** True when some link of the chain (leaf first, each issued by the next) is issued by a trusted CA. */
function chainsTo(chain: X509Certificate[], cas: X509Certificate[]): boolean {
  for (let i = 0; i < chain.length; i++) {
    const cert = chain[i]!;
    if (cas.some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey))) return true;
    const next = chain[i + 1];
    if (!next?.ca || !cert.checkIssued(next) || !cert.verify(next.publicKey)) return false;
  }
  return false;
}

/** The CRL refusal for a chain, if any: a link its issuing CA lists, or whose CA's list is out of date. */
function crlRefusal(chain: X509Certificate[], crls: Crl[], now: number): string | null {
  for (const cert of chain)
    for (const crl of crls) {
      if (!cert.checkIssued(crl.issuer) || !cert.verify(crl.issuer.publicKey)) continue;
      // Fail closed, as OpenSSL does: an out-of-date list cannot say the certificate is still good.
      if (crl.nextUpdate !== null && crl.nextUpdate < now) return CRL_STALE;
      if (crl.serials.has(serialOf(cert))) return CRL_REVOKED;
    }
  return null;
}

function bindMtls(settings: MtlsSettings): Hooks {
  const cas = pemCertificates(settings.ca);
  const crls = settings.crl ? parseCrls(settings.crl, cas) : [];
  const revoked = new Set(settings.revokedFingerprints);
  // Per connection: the verdict on its chain for this API (a keep-alive connection pays once).
  const verdicts = new WeakMap<X509Certificate[], { fingerprint: string; subject: string } | GatewayError>();
  const verdict = (chain: X509Certificate[], now: number) => {
    const leaf = chain[0]!;
    if (Date.parse(leaf.validFrom) > now || Date.parse(leaf.validTo) < now) return refusal(EXPIRED);
    const fingerprint = normalizeClientValue('cert_sha256', leaf.fingerprint256);
    if (revoked.has(fingerprint)) return refusal(REVOKED);
    if (!chainsTo(chain, cas)) return refusal(UNTRUSTED);
    const listed = crls.length ? crlRefusal(chain, crls, now) : null;
    if (listed) return refusal(listed);
    return { fingerprint, subject: normalizeClientValue('cert_subject', leaf.subject) };
  };
  return {
    authenticate(call) {
      const chain = presentedChain(call);
      if (!chain) return null;
      let found = verdicts.get(chain);
      if (!found) {
        found = verdict(chain, call.ts);
        verdicts.set(chain, found);
      }
      if (found instanceof GatewayError) throw found;
      const { clients, apps } = call.snapshot;
      const entry =
        clients.get(clientKey('cert_sha256', found.fingerprint)) ??
        clients.get(clientKey('cert_subject', found.subject));
      const app = entry && apps.get(entry.appId);
      if (!entry || !app) throw refusal(UNKNOWN);
      return { method: MTLS_AUTH, app, credentialId: entry.id, credentialHeaders: [] };
    },
    missing: () =>
      new GatewayError('certificate_missing', MISSING, { headers: { 'www-authenticate': CHALLENGE } }),
  };
}

export const mtlsAuth = definePolicy<MtlsSettings>({
  name: 'mtls-auth',
  phase: 'auth',
  authMethod: MTLS_AUTH,
  settings: { key: 'mtls', schema: mtlsSettings },
  create: () => ({
    bind: (api, settings) => (accepts(api, MTLS_AUTH) && settings ? bindMtls(settings) : null),
  }),
});
