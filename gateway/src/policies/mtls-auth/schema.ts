// The `mtls` member of an API's settings (auth: mtls): the CAs a client certificate must chain to, and the
// certificates refused although they do.
import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { parseCrls } from './crl.js';

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM bundle, in order. */
export function pemCertificates(pem: string): X509Certificate[] {
  return (pem.match(PEM) ?? []).map((block) => new X509Certificate(block));
}

export const mtlsSettings = z
  .object({
    ca: z
      .string()
      .max(200_000)
      .refine((pem) => {
        try {
          const certs = pemCertificates(pem);
          return certs.length > 0 && certs.every((c) => c.ca);
        } catch {
          return false;
        }
      }, 'must be one or more PEM CA certificates')
      .meta({
        description:
          'PEM CA certificates a client certificate must be issued by (directly or through the chain it presents).',
      }),
    revokedFingerprints: z
      .array(z.string().regex(/^([0-9a-fA-F]{2}:?){31}[0-9a-fA-F]{2}$/, 'must be a SHA-256 fingerprint'))
      .max(10_000)
      .default([])
      .transform((list) => list.map((f) => f.replaceAll(':', '').toLowerCase()))
      .meta({
        description: 'Certificates refused although their chain is good (SHA-256, hex, colons optional).',
      }),
    crl: z.string().max(5_000_000).optional().meta({
      description:
        'PEM CRLs, each signed by one of ca: a certificate its CA lists is refused; a CRL past its nextUpdate refuses every certificate of that CA until replaced.',
    }),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.crl === undefined) return;
    try {
      parseCrls(s.crl, pemCertificates(s.ca));
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['crl'], message: (err as Error).message });
    }
  });

export type MtlsSettings = z.infer<typeof mtlsSettings>;
