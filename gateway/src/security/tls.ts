// TLS for the listeners (TLS_CERT_FILE / TLS_KEY_FILE): the files are read and checked once at start-up (a bad
// file is one named line), then watched: a replaced certificate is served to new connections within
// TLS_RELOAD_MS, while open connections keep the one they started with.

import { X509Certificate } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createSecureContext, type SecureContextOptions, type Server as TlsServer } from 'node:tls';
import { ConfigError, type Env } from '../config/env.js';
import type { Logger } from '../observability/logger.js';

export interface TlsFiles {
  cert: string;
  key: string;
}

/** The TLS files of `env`, or null when the listeners speak plain HTTP. */
export function tlsFilesOf(env: Env): TlsFiles | null {
  return env.TLS_CERT_FILE && env.TLS_KEY_FILE ? { cert: env.TLS_CERT_FILE, key: env.TLS_KEY_FILE } : null;
}

function read(name: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new ConfigError(
      `invalid configuration: ${name} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): ${path}`,
    );
  }
}

/** Reads and checks the pair: a certificate chain in PEM, and the private key that matches its first one. */
export function loadTls(files: TlsFiles): Pick<SecureContextOptions, 'cert' | 'key'> {
  const cert = read('TLS_CERT_FILE', files.cert);
  const key = read('TLS_KEY_FILE', files.key);
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch {
    throw new ConfigError(`invalid configuration: TLS_CERT_FILE is not a PEM certificate: ${files.cert}`);
  }
  try {
    createSecureContext({ cert, key });
  } catch (err) {
    throw new ConfigError(
      `invalid configuration: TLS_KEY_FILE is not the private key of TLS_CERT_FILE (${(err as Error).message}): ${files.key}`,
    );
  }
  if (Date.parse(leaf.validTo) < Date.now())
    throw new ConfigError(`invalid configuration: TLS_CERT_FILE expired on ${leaf.validTo}: ${files.cert}`);
  return { cert, key };
}

/**
 * Polls the files' mtimes; on a change that loads cleanly the server's context is swapped (new handshakes
 * only). A half-written or mismatched pair is logged and the old certificate kept. Returns the stopper.
 */
export function watchTls(server: TlsServer, files: TlsFiles, intervalMs: number, logger: Logger): () => void {
  const stamp = () => {
    try {
      return `${statSync(files.cert).mtimeMs} ${statSync(files.key).mtimeMs}`;
    } catch {
      return 'missing';
    }
  };
  let seen = stamp();
  const timer = setInterval(() => {
    const now = stamp();
    if (now === seen) return;
    try {
      server.setSecureContext(loadTls(files));
      seen = now;
      logger.info({ cert: files.cert }, 'TLS certificate reloaded');
    } catch (err) {
      // Retried on the next tick: the pair may be mid-replacement.
      logger.warn(
        { err: (err as Error).message },
        'TLS files changed but do not load; keeping the current certificate',
      );
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
