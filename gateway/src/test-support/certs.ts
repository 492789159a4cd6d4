// Real certificates for TLS and mTLS tests, made by the openssl CLI in a temporary directory: CAs, a server
// certificate for 127.0.0.1, and client certificates (EC P-256 keys: quick to make).
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Issued {
  certFile: string;
  keyFile: string;
  cert: string;
  key: string;
  /** SHA-256 fingerprint, lower-case hex without colons (as clients are registered). */
  fingerprint: string;
}

export class CertDir {
  readonly dir = mkdtempSync(join(tmpdir(), 'gk-certs-'));
  #serial = 1;

  #openssl(args: string[]): void {
    execFileSync('openssl', args, { cwd: this.dir, stdio: 'pipe' });
  }

  #issued(name: string): Issued {
    const certFile = join(this.dir, `${name}.crt`);
    const keyFile = join(this.dir, `${name}.key`);
    const cert = readFileSync(certFile, 'utf8');
    const fingerprint = new X509Certificate(cert).fingerprint256.replaceAll(':', '').toLowerCase();
    return { certFile, keyFile, cert, key: readFileSync(keyFile, 'utf8'), fingerprint };
  }

  /** A self-signed CA. */
  ca(name: string): Issued {
    this.#openssl([
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    return this.#issued(name);
  }

  /** A leaf signed by `ca`: a server certificate for 127.0.0.1 and localhost, or a client one. */
  leaf(name: string, ca: Issued, o: { subject: string; server?: boolean; days?: number }): Issued {
    const ext = join(this.dir, `${name}.ext`);
    writeFileSync(
      ext,
      o.server
        ? 'basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n'
        : 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n',
    );
    this.#openssl([
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      o.subject,
    ]);
    this.#openssl([
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      ca.certFile,
      '-CAkey',
      ca.keyFile,
      '-set_serial',
      String(this.#serial++),
      '-days',
      String(o.days ?? 1),
      '-out',
      `${name}.crt`,
      '-extfile',
      ext,
    ]);
    return this.#issued(name);
  }

  /**
   * A CRL signed by `ca` revoking `revoked` (openssl ca with a throw-away database), as PEM; its nextUpdate is
   * a day away, or `seconds` away.
   */
  crl(name: string, ca: Issued, revoked: Issued[], o: { seconds?: number } = {}): string {
    const config = join(this.dir, `${name}.cnf`);
    writeFileSync(join(this.dir, `${name}.index`), '');
    writeFileSync(join(this.dir, `${name}.crlnumber`), '01\n');
    writeFileSync(
      config,
      `[ca]\ndefault_ca = own\n[own]\ndatabase = ${name}.index\ncrlnumber = ${name}.crlnumber\ndefault_md = sha256\n${o.seconds === undefined ? 'default_crl_days = 1\n' : ''}`,
    );
    const ca_ = ['-config', config, '-keyfile', ca.keyFile, '-cert', ca.certFile];
    for (const cert of revoked) this.#openssl(['ca', ...ca_, '-revoke', cert.certFile]);
    const next = o.seconds === undefined ? [] : ['-crlsec', String(o.seconds)];
    this.#openssl(['ca', ...ca_, '-gencrl', ...next, '-out', `${name}.crl`]);
    return readFileSync(join(this.dir, `${name}.crl`), 'utf8');
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
