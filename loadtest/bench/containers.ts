// Runs the image pipeline's gateway and echo images with --network host for the --containers bench mode.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BenchError, BenchErrorCode } from './bench-error.js';
import type { CpuPlan } from './cpu-plan.js';
import { type GatewayHandle, repoRoot } from './gateway.js';
import { freePort, waitForHttp } from './processes.js';

const run = promisify(execFile);

export interface ImageEntry {
  readonly name: string;
  readonly repository: string;
}

/**
 * Candidate references for an image, best first: an explicit override; the digest pinned in
 * images.lock.json and that entry's tags; the image pipeline's tags for this commit (`git-<12 hex>`,
 * `-dirty` when built from uncommitted changes); then `<repository>:latest`.
 */
export function imageCandidates(
  name: string,
  manifest: { images: readonly ImageEntry[] },
  lock: Record<string, unknown> | null,
  override?: string,
  commit?: string,
  registry?: string,
): string[] {
  if (override) return [override];
  const candidates: string[] = [];
  const locked = lock?.[name];
  if (typeof locked === 'string') candidates.push(locked);
  else if (locked && typeof locked === 'object') {
    const entry = locked as { ref?: unknown; repository?: unknown; tags?: unknown };
    if (typeof entry.ref === 'string') candidates.push(entry.ref);
    if (typeof entry.repository === 'string' && Array.isArray(entry.tags)) {
      for (const tag of entry.tags)
        if (typeof tag === 'string') candidates.push(`${entry.repository}:${tag}`);
    }
  }
  for (const repository of repositoriesOf(name, manifest, registry)) {
    if (commit) {
      const short = commit.slice(0, 12);
      candidates.push(`${repository}:git-${short}`, `${repository}:git-${short}-dirty`);
    }
    candidates.push(`${repository}:latest`);
  }
  return candidates;
}

/** The pipeline names images `<registry>/<repository>` when it has a registry ($IMAGES_REGISTRY), else bare. */
export function repositoriesOf(
  name: string,
  manifest: { images: readonly ImageEntry[] },
  registry?: string,
): string[] {
  const repository = manifest.images.find((image) => image.name === name)?.repository;
  if (!repository) return [];
  return registry ? [`${registry}/${repository}`, repository] : [repository];
}

async function imageExists(ref: string): Promise<boolean> {
  try {
    await run('docker', ['image', 'inspect', '--format', '{{.Id}}', ref]);
    return true;
  } catch {
    return false;
  }
}

/** The newest local image of a repository, whatever its tag (`docker images` lists newest first). */
async function newestLocal(repository: string): Promise<string | null> {
  try {
    const { stdout } = await run('docker', ['images', repository, '--format', '{{.Repository}}:{{.Tag}}']);
    return stdout.split('\n').find((line) => line && !line.endsWith(':<none>')) ?? null;
  } catch {
    return null;
  }
}

async function headCommit(): Promise<string | undefined> {
  try {
    return (await run('git', ['rev-parse', 'HEAD'], { cwd: repoRoot })).stdout.trim();
  } catch {
    return undefined;
  }
}

export async function resolveImage(name: string, override?: string): Promise<string> {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'images.manifest.json'), 'utf8'));
  const lockPath = join(repoRoot, 'images.lock.json');
  const lock = existsSync(lockPath) ? JSON.parse(readFileSync(lockPath, 'utf8')) : null;
  const registry = process.env.IMAGES_REGISTRY || undefined;
  const commit = override ? undefined : await headCommit();
  const candidates = imageCandidates(name, manifest, lock, override, commit, registry);
  for (const ref of candidates) if (await imageExists(ref)) return ref;
  if (!override) {
    for (const repository of repositoriesOf(name, manifest, registry)) {
      const newest = await newestLocal(repository);
      if (newest) return newest;
    }
  }
  throw new BenchError(
    BenchErrorCode.startFailed,
    `no local image for ${name} (tried ${candidates.join(', ') || 'nothing'}): run \`npm run images -- build\` first`,
  );
}

export interface RunningContainer {
  readonly id: string;
  readonly image: string;
  pid(): Promise<number>;
  stop(): Promise<void>;
}

export async function startContainer(options: {
  name: string;
  image: string;
  env: Record<string, string>;
  cpus: string | null;
  healthUrl: string;
}): Promise<RunningContainer> {
  const args = ['run', '-d', '--network', 'host', '--name', `bench-${options.name}-${process.pid}`];
  if (options.cpus) args.push('--cpuset-cpus', options.cpus);
  for (const [key, value] of Object.entries(options.env)) args.push('-e', `${key}=${value}`);
  args.push(options.image);
  let id: string;
  try {
    id = (await run('docker', args)).stdout.trim();
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new BenchError(
      BenchErrorCode.startFailed,
      `docker run ${options.image}: ${e.stderr?.trim() || e.message}`,
    );
  }
  const stop = async () => {
    await run('docker', ['rm', '-f', id]).catch(() => undefined);
  };
  const logs = async () =>
    (await run('docker', ['logs', '--tail', '30', id]).catch(() => ({ stdout: '' }))).stdout;
  try {
    // A container that dies makes the poll time out; its logs are attached to the error.
    await waitForHttp({ name: `${options.name} container`, failure: () => null }, options.healthUrl, 30_000);
  } catch (error) {
    const tail = await logs();
    await stop();
    throw new BenchError(BenchErrorCode.startFailed, `${(error as Error).message}\n${tail}`);
  }
  return {
    id,
    image: options.image,
    pid: async () => {
      try {
        return Number((await run('docker', ['inspect', '--format', '{{.State.Pid}}', id])).stdout.trim());
      } catch (error) {
        const e = error as { stderr?: string; message: string };
        const why = e.stderr?.trim() || e.message;
        throw new BenchError(BenchErrorCode.loadFailed, `docker inspect ${id.slice(0, 12)}: ${why}`);
      }
    },
    stop,
  };
}

/** The gateway container keeps its SQLite file in its own /tmp: thrown away with the container. */
export const containerDatabaseUrl = 'sqlite:/tmp/gw.db';

/** The gateway image on a free port with a throwaway SQLite file, pinned like the local process would be. */
export async function startGatewayContainer(options: {
  gatewayImage?: string;
  logLevel: string;
  cpuPlan: CpuPlan;
}): Promise<GatewayHandle> {
  const image = await resolveImage('gateway', options.gatewayImage);
  const port = await freePort();
  const adminToken = `bench-admin-${process.pid}-${Date.now()}`;
  const container = await startContainer({
    name: 'gateway',
    image,
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_TOKEN: adminToken,
      DATABASE_URL: containerDatabaseUrl,
      LOG_LEVEL: options.logLevel,
    },
    cpus: options.cpuPlan.serverCpus,
    healthUrl: `http://127.0.0.1:${port}/readyz`,
  });
  return {
    url: `http://127.0.0.1:${port}`,
    databaseUrl: containerDatabaseUrl,
    adminToken,
    description: `container ${image} (--network host)`,
    pid: container.pid,
    stop: container.stop,
  };
}
