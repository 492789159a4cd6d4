// Starts one gateway process on a fresh SQLite store and a free loopback port, for the benchmark rows.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BenchError, BenchErrorCode } from './bench-error.js';
import { freePort, processProbe, startProcess, waitForHttp } from './processes.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const gatewaySource = join(repoRoot, 'gateway/src/main.ts');
export const gatewayDist = join(repoRoot, 'gateway/dist/main.js');

/** `dist`: compiled JS (what an image runs); `tsx`: the TypeScript source through tsx, no build step. */
export const GatewayRuntime = { dist: 'dist', tsx: 'tsx' } as const;
export type GatewayRuntime = (typeof GatewayRuntime)[keyof typeof GatewayRuntime];

export interface GatewayHandle {
  readonly url: string;
  /** Its store: another gateway started on it serves the same configuration. */
  readonly databaseUrl: string;
  readonly adminToken: string;
  readonly description: string;
  /** Host pid of the gateway's node process, for RSS readings. */
  pid(): Promise<number>;
  stop(): Promise<void>;
}

export function gatewayCommand(runtime: GatewayRuntime, nodeFlags: readonly string[] = []): string[] {
  return runtime === 'dist'
    ? ['node', ...nodeFlags, gatewayDist]
    : ['node', ...nodeFlags, '--import', 'tsx', gatewaySource];
}

export async function startLocalGateway(options: {
  runtime: GatewayRuntime;
  prefix: readonly string[];
  logLevel: string;
  /** WORKERS for the gateway (1: one process, as the main rows measure it). */
  workers?: number;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: readonly string[];
  /** Another gateway's store (its configuration, already seeded) instead of a fresh one. */
  databaseUrl?: string;
  /** TLS_CERT_FILE / TLS_KEY_FILE: the gateway speaks https. */
  tls?: { cert: string; key: string };
}): Promise<GatewayHandle> {
  const entry = options.runtime === 'dist' ? gatewayDist : gatewaySource;
  if (!existsSync(entry)) {
    throw new BenchError(BenchErrorCode.startFailed, `gateway entry ${entry} not found`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'bench-gateway-'));
  const port = await freePort();
  const adminToken = `bench-admin-${process.pid}-${Date.now()}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    ADMIN_TOKEN: adminToken,
    DATABASE_URL: options.databaseUrl ?? `sqlite:${join(dir, 'gw.db')}`,
    ...(options.tls ? { TLS_CERT_FILE: options.tls.cert, TLS_KEY_FILE: options.tls.key } : {}),
    LOG_LEVEL: options.logLevel,
    WORKERS: String(options.workers ?? 1),
  };
  // One process, in-process limits: a shared Redis would measure the network hop, not the chain.
  delete env.REDIS_URL;
  const command = gatewayCommand(options.runtime, options.nodeFlags);
  const started = startProcess('gateway', [...options.prefix, ...command], {
    cwd: repoRoot,
    env,
  });
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const stop = async () => {
    await started.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForHttp(processProbe(started), `${url}/readyz`, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    databaseUrl: env.DATABASE_URL!,
    adminToken,
    description: `local process (${gatewayCommand(options.runtime).join(' ').replace(repoRoot, '')}${options.workers && options.workers > 1 ? `, WORKERS=${options.workers}` : ''}${options.tls ? ', TLS' : ''})`,
    pid: async () => started.child.pid ?? 0,
    stop,
  };
}
