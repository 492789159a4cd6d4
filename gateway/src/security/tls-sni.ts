// Certificates per host name (TLS_SNI_DIR): a directory of `<host>.crt` + `<host>.key` pairs, `_wildcard.<domain>`
// for `*.<domain>` (a Kubernetes Secret mounted as a directory fits). The handshake's server name picks the pair
// (exact name first, then the wildcard one label up); any other name, or none, gets TLS_CERT_FILE's. The
// directory is polled like the default pair: added, replaced and removed pairs apply to new handshakes.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
import { ConfigError } from '../config/env.js';
import type { Logger } from '../observability/logger.js';
import { loadTls } from './tls.js';

const CERT = /^(.+)\.crt$/;
const WILDCARD = '_wildcard.';

export type SniCallback = (servername: string, cb: (err: Error | null, ctx?: SecureContext) => void) => void;

/** The pairs of the directory: host name (lower case, `*.` for wildcards) → its files. */
function pairsIn(dir: string): Map<string, { cert: string; key: string }> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    throw new ConfigError(
      `invalid configuration: TLS_SNI_DIR cannot be read (${(err as NodeJS.ErrnoException).code}): ${dir}`,
    );
  }
  const pairs = new Map<string, { cert: string; key: string }>();
  for (const name of names) {
    const m = CERT.exec(name);
    // Kubernetes Secret volumes hold ..data links and dot-directories beside the files: only pairs count.
    if (!m || name.startsWith('.') || !names.includes(`${m[1]}.key`)) continue;
    const host = m[1]!.toLowerCase();
    pairs.set(host.startsWith(WILDCARD) ? `*.${host.slice(WILDCARD.length)}` : host, {
      cert: join(dir, name),
      key: join(dir, `${m[1]}.key`),
    });
  }
  return pairs;
}

/** Every pair read and checked as TLS_CERT_FILE's is (one named line for the first bad one). */
function load(dir: string): Map<string, SecureContext> {
  const contexts = new Map<string, SecureContext>();
  for (const [host, files] of pairsIn(dir)) {
    let pair: ReturnType<typeof loadTls>;
    try {
      pair = loadTls(files);
    } catch (err) {
      throw new ConfigError(
        `invalid configuration: TLS_SNI_DIR pair ${host}: ${(err as Error).message.replace(/^invalid configuration: /, '')}`,
      );
    }
    contexts.set(host, createSecureContext(pair));
  }
  return contexts;
}

/** Checks the directory at start-up (throws ConfigError). */
export function checkSniDir(dir: string): void {
  load(dir);
}

/** The server's SNICallback over the directory, and the poller keeping it current; `stop` ends the polling. */
export function sniCertificates(dir: string, intervalMs: number, logger: Logger) {
  let contexts = load(dir);
  const stamp = () => {
    try {
      return [...pairsIn(dir).values()]
        .map((f) => `${f.cert} ${statSync(f.cert).mtimeMs} ${statSync(f.key).mtimeMs}`)
        .join('\n');
    } catch {
      return 'unreadable';
    }
  };
  let seen = stamp();
  const timer = setInterval(() => {
    const now = stamp();
    if (now === seen) return;
    try {
      contexts = load(dir);
      seen = now;
      logger.info({ dir, hosts: [...contexts.keys()] }, 'TLS SNI certificates reloaded');
    } catch (err) {
      // Retried on the next tick: a pair may be mid-replacement.
      logger.warn(
        { err: (err as Error).message },
        'TLS_SNI_DIR changed but does not load; keeping the current pairs',
      );
    }
  }, intervalMs);
  timer.unref();
  const callback: SniCallback = (servername, cb) => {
    const name = servername.toLowerCase();
    const dot = name.indexOf('.');
    // No context: node serves the listener's default certificate.
    cb(null, contexts.get(name) ?? (dot > 0 ? contexts.get(`*${name.slice(dot)}`) : undefined));
  };
  return { callback, stop: () => clearInterval(timer) };
}
