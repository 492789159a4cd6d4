// Certificate revocation lists (RFC 5280 §5) for an mTLS API: each CRL must be signed by one of the API's CAs
// (checked when written and when bound); a certificate that CA issued is revoked when its serial is listed.
// Node parses certificates but not CRLs, so the DER is read with @peculiar/asn1-x509 and the signature checked
// with node's crypto.
import { type KeyObject, verify, type X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, CertificateList, type Name } from '@peculiar/asn1-x509';

const PEM = /-----BEGIN X509 CRL-----([\s\S]+?)-----END X509 CRL-----/g;

/** Signature algorithms a CRL may use: OID → node's digest (null: the key type decides, Ed25519). */
const DIGESTS: Record<string, string | null> = {
  '1.2.840.113549.1.1.11': 'sha256', // sha256WithRSAEncryption
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256', // ecdsa-with-SHA256
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.3.101.112': null, // Ed25519
};

export interface Crl {
  /** The CA that signed it (one of the API's). */
  issuer: X509Certificate;
  /** Revoked serial numbers, lower-case hex without leading zeros. */
  serials: Set<string>;
  /** When the CA promised the next list (ms), or null when it did not say. */
  nextUpdate: number | null;
}

const hex = (bytes: ArrayBuffer | Uint8Array) =>
  Buffer.from(bytes as ArrayBuffer)
    .toString('hex')
    .replace(/^0+(?=.)/, '');
const nameDer = (name: Name) => Buffer.from(AsnConvert.serialize(name)).toString('hex');
const subjectDer = (cert: X509Certificate) =>
  nameDer(AsnConvert.parse(cert.raw, Certificate).tbsCertificate.subject);

/** A serial number as X509Certificate shows it, in the form Crl.serials holds. */
export const serialOf = (cert: X509Certificate) => cert.serialNumber.toLowerCase().replace(/^0+(?=.)/, '');

function signedBy(list: CertificateList, key: KeyObject): boolean {
  const oid = list.signatureAlgorithm.algorithm;
  if (!(oid in DIGESTS)) return false;
  const tbs = Buffer.from(AsnConvert.serialize(list.tbsCertList));
  const signature = Buffer.from(list.signature);
  try {
    return verify(DIGESTS[oid] ?? null, tbs, key, signature);
  } catch {
    return false;
  }
}

/**
 * The CRLs of a PEM bundle, each matched to the CA of `cas` that signed it. Throws with the reason when a
 * block is not a CRL or no CA of the API signed it.
 */
export function parseCrls(pem: string, cas: readonly X509Certificate[]): Crl[] {
  const blocks = [...pem.matchAll(PEM)].map((m) => Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
  if (blocks.length === 0) throw new Error('must be one or more PEM CRLs (-----BEGIN X509 CRL-----)');
  return blocks.map((der, i) => {
    let list: CertificateList;
    try {
      list = AsnConvert.parse(der, CertificateList);
    } catch {
      throw new Error(`CRL ${i + 1} is not a DER X.509 CRL`);
    }
    const issuerName = nameDer(list.tbsCertList.issuer);
    const issuer = cas.find((ca) => subjectDer(ca) === issuerName && signedBy(list, ca.publicKey));
    if (!issuer) throw new Error(`CRL ${i + 1} is not signed by any CA in ca`);
    return {
      issuer,
      serials: new Set((list.tbsCertList.revokedCertificates ?? []).map((r) => hex(r.userCertificate))),
      nextUpdate: list.tbsCertList.nextUpdate?.getTime().getTime() ?? null,
    };
  });
}
