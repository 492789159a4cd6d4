// Runs the image pipeline's gateway and echo images with --network host for the --containers bench mode.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BenchError, BenchErrorCode } from './bench-error.js';
import { repoRoot } from './gateway.js';
import { waitForHttp } from './processes.js';

const run = promisify(execFile);

export interface ImageEntry {
  readonly name: string;
  readonly repository: string;
}

/**
 * Candidate references for an image, best first: an explicit override, the digest pinned in
 * images.lock.json, then the pipeline's local `<repository>:latest` tag.
 */
export function imageCandidates(
  name: string,
  manifest: { images: readonly ImageEntry[] },
  lock: Record<string, unknown> | null,
  override?: string,
): string[] {
  if (override) return [override];
  const candidates: string[] = [];
  const locked = lock?.[name];
  if (typeof locked === 'string') candidates.push(locked);
  else if (locked && typeof locked === 'object' && typeof (locked as { ref?: unknown }).ref === 'string') {
    candidates.push((locked as { ref: string }).ref);
  }
  const entry = manifest.images.find((image) => image.name === name);
  if (entry) candidates.push(`${entry.repository}:latest`);
  return candidates;
}

async function imageExists(ref: string): Promise<boolean> {
  try {
    await run('docker', ['image', 'inspect', '--format', '{{.Id}}', ref]);
    return true;
  } catch {
    return false;
  }
}

export async function resolveImage(name: string, override?: string): Promise<string> {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'images.manifest.json'), 'utf8'));
  const lockPath = join(repoRoot, 'images.lock.json');
  const lock = existsSync(lockPath) ? JSON.parse(readFileSync(lockPath, 'utf8')) : null;
  const candidates = imageCandidates(name, manifest, lock, override);
  for (const ref of candidates) if (await imageExists(ref)) return ref;
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
    pid: async () =>
      Number((await run('docker', ['inspect', '--format', '{{.State.Pid}}', id])).stdout.trim()),
    stop,
  };
}

/** The gateway container keeps its SQLite file in its own /tmp: thrown away with the container. */
export const containerDatabaseUrl = 'sqlite:/tmp/gw.db';
