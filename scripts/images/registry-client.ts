// Asks an OCI/Docker registry (HTTP API v2) for manifest digests, with the credentials `docker login` stored.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ImagesError, ImagesErrorCode } from './errors.js';
import { run } from './process.js';

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

type Credentials = { readonly username: string; readonly password: string };

/** Docker treats loopback registries as plain HTTP; so do we (`insecure` forces it elsewhere). */
export function registryScheme(registry: string, insecure = false): 'http' | 'https' {
  const host = registry.replace(/:\d+$/, '');
  return insecure || host === 'localhost' || host === '[::1]' || /^127\./.test(host) ? 'http' : 'https';
}

/** Parses `Bearer realm="…",service="…",scope="…"` (RFC 7235 auth-params, quoted or not). */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const [scheme = '', ...rest] = header.trim().split(/\s+/);
  const params: Record<string, string> = {};
  for (const match of rest.join(' ').matchAll(/([a-zA-Z_]+)=(?:"([^"]*)"|([^,\s]*))/g)) {
    params[match[1]!.toLowerCase()] = match[2] ?? match[3] ?? '';
  }
  return { scheme: scheme.toLowerCase(), params };
}

export class RegistryClient {
  readonly registry: string;
  private readonly base: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly tokens = new Map<string, string>();
  private credentials: Promise<Credentials | null> | null = null;

  constructor(registry: string, options: { insecure?: boolean; env?: NodeJS.ProcessEnv } = {}) {
    this.registry = registry;
    this.base = `${registryScheme(registry, options.insecure)}://${registry}/v2`;
    this.env = options.env ?? process.env;
  }

  /** The digest of `repository:reference` (a tag or a digest), or null when the registry does not have it. */
  async manifestDigest(repository: string, reference: string): Promise<string | null> {
    const url = `${this.base}/${repository}/manifests/${reference}`;
    const response = await this.request(url, repository);
    if (response.status === 404) return null;
    if (response.status !== 200) {
      throw new ImagesError(
        ImagesErrorCode.registryUnreachable,
        `${this.registry}: HEAD ${repository}/manifests/${reference} answered ${response.status}`,
      );
    }
    const digest = response.headers.get('docker-content-digest');
    if (!digest) {
      throw new ImagesError(
        ImagesErrorCode.registryUnreachable,
        `${this.registry}: no Docker-Content-Digest for ${repository}:${reference}`,
      );
    }
    return digest;
  }

  private async request(url: string, repository: string): Promise<Response> {
    const send = (authorization?: string) =>
      fetch(url, {
        method: 'HEAD',
        headers: { accept: MANIFEST_TYPES, ...(authorization ? { authorization } : {}) },
        signal: AbortSignal.timeout(15_000),
      }).catch((error: Error) => {
        const cause = error.cause instanceof Error ? error.cause.message : error.message;
        throw new ImagesError(ImagesErrorCode.registryUnreachable, `${this.registry}: ${cause}`);
      });
    const cached = this.tokens.get(repository);
    const first = await send(cached);
    if (first.status !== 401) return first;
    const challenge = parseChallenge(first.headers.get('www-authenticate') ?? '');
    const credentials = await this.loadCredentials();
    let authorization: string;
    if (challenge.scheme === 'bearer' && challenge.params.realm) {
      authorization = `Bearer ${await this.bearerToken(challenge.params, repository, credentials)}`;
    } else if (challenge.scheme === 'basic' && credentials) {
      authorization = basic(credentials);
    } else {
      throw new ImagesError(
        ImagesErrorCode.registryUnreachable,
        `${this.registry}: authentication required; run docker login ${this.registry}`,
      );
    }
    this.tokens.set(repository, authorization);
    return send(authorization);
  }

  private async bearerToken(
    params: Record<string, string>,
    repository: string,
    credentials: Credentials | null,
  ) {
    const url = new URL(params.realm!);
    if (params.service) url.searchParams.set('service', params.service);
    url.searchParams.set('scope', `repository:${repository}:pull`);
    const response = await fetch(url, {
      headers: credentials ? { authorization: basic(credentials) } : {},
      signal: AbortSignal.timeout(15_000),
    });
    if (!response.ok) {
      throw new ImagesError(
        ImagesErrorCode.registryUnreachable,
        `${this.registry}: token request answered ${response.status}`,
      );
    }
    const body = (await response.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token)
      throw new ImagesError(
        ImagesErrorCode.registryUnreachable,
        `${this.registry}: token response has no token`,
      );
    return token;
  }

  private loadCredentials(): Promise<Credentials | null> {
    this.credentials ??= dockerCredentials(this.registry, this.env);
    return this.credentials;
  }
}

function basic(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

/** What `docker login` stored: a credential helper's answer, or the base64 `auth` of config.json. */
async function dockerCredentials(registry: string, env: NodeJS.ProcessEnv): Promise<Credentials | null> {
  let config: {
    auths?: Record<string, { auth?: string }>;
    credHelpers?: Record<string, string>;
    credsStore?: string;
  };
  try {
    config = JSON.parse(
      readFileSync(join(env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json'), 'utf8'),
    );
  } catch {
    return null;
  }
  const helper =
    config.credHelpers?.[registry] ?? (config.auths?.[registry]?.auth ? undefined : config.credsStore);
  if (helper) {
    const result = await run(`docker-credential-${helper}`, ['get'], { input: registry }).catch(() => null);
    if (result?.code !== 0) return null;
    const answer = JSON.parse(result.stdout) as { Username: string; Secret: string };
    return { username: answer.Username, password: answer.Secret };
  }
  const auth = config.auths?.[registry]?.auth;
  if (!auth) return null;
  const decoded = Buffer.from(auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
