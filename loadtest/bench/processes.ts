// Starts the benchmark's child processes, waits for them to answer, and stops them for sure.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchError, BenchErrorCode } from './bench-error.js';

export interface Started {
  readonly name: string;
  readonly child: ChildProcess;
  /** Last lines of stdout/stderr, for an error message that says why a start failed. */
  output(): string;
  stop(): Promise<void>;
}

/** A free loopback port: bind to 0, read it back, release it. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function startProcess(
  name: string,
  command: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Started {
  const [file, ...args] = command;
  if (!file) throw new BenchError(BenchErrorCode.startFailed, `${name}: empty command`);
  const child = spawn(file, args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (error) => keep(Buffer.from(`spawn error: ${error.message}\n`)));
  return {
    name,
    child,
    output: () => tail.trim(),
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), sleep(5000).then(() => true)]);
  if (timedOut) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** What a readiness poll watches: a name for messages and, when known, why the thing already died. */
export interface Probe {
  readonly name: string;
  failure(): string | null;
}

export function processProbe(started: Started): Probe {
  return {
    name: started.name,
    failure: () =>
      started.child.exitCode === null
        ? null
        : `exited with code ${started.child.exitCode}: ${started.output()}`,
  };
}

/** Polls a URL until it answers 2xx; fails early if the probe reports death, or at the timeout. */
export async function waitForHttp(probe: Probe, url: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    const failure = probe.failure();
    if (failure) {
      throw new BenchError(BenchErrorCode.startFailed, `${probe.name} ${failure} (before answering ${url})`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(100);
  }
  throw new BenchError(
    BenchErrorCode.startFailed,
    `${probe.name} did not answer ${url} within ${timeoutMs} ms (${last})`,
  );
}

/** User + system CPU seconds a process (all its threads) has used, from /proc (Linux; 100 ticks a second). */
export async function cpuSeconds(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Of the resident set, the file-backed part (mostly the node binary's code, shared with every other Node process
 * and worker) and the proportional set size (shared pages divided among their users), in bytes, from /proc.
 */
export async function sharedMemory(pid: number): Promise<{ rssFile: number; pss: number }> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8').catch(() => '');
  const kb = (text: string, key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return { rssFile: kb(status, 'RssFile'), pss: kb(rollup, 'Pss') };
}

/** Resident set size of a process in bytes, from /proc (Linux). */
export async function rssBytes(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new BenchError(BenchErrorCode.loadFailed, `no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}
