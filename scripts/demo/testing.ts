// Test support: the demo started as a user starts it (`npm start` in the checkout), on free ports.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../images/testing/containers.js';

export const repoRoot = join(import.meta.dirname, '..', '..');

export interface RunningDemo {
  readonly npm: ChildProcess;
  readonly env: Record<string, string>;
  readonly ports: readonly number[];
  readonly base: string;
  readonly adminToken: string;
  readonly key: string;
  /** The demo's own process (npm's child), from the lock it keeps beside its database. */
  readonly pid: number;
  /** Everything it printed so far. */
  output(): string;
}

export async function startDemo(): Promise<RunningDemo> {
  const ports = [await freePort(), await freePort(), await freePort()];
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    PORT: String(ports[0]),
    ECHO_PORT: String(ports[1]),
    LLM_MOCK_PORT: String(ports[2]),
    DEMO_DB: join(mkdtempSync(join(tmpdir(), 'gk-demo-')), 'demo.db'),
  };
  const npm = spawn('npm', ['start'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  npm.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  npm.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  while (!out.includes('Ctrl-C stops everything.')) {
    if (npm.exitCode !== null) throw new Error(`the demo exited early:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const field = (re: RegExp) => re.exec(out)?.[1] ?? '';
  return {
    npm,
    env,
    ports,
    base: `http://127.0.0.1:${ports[0]}`,
    adminToken: field(/^admin token {2}(\S+)$/m),
    key: field(/^API key {6}(\S+)$/m),
    pid: (JSON.parse(readFileSync(`${env.DEMO_DB}.lock`, 'utf8')) as { pid: number }).pid,
    output: () => out,
  };
}

/** Whether something accepts connections on 127.0.0.1:port. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Sends `signal` to the npm process only and waits for it to end: its exit code, or null past the deadline. */
export async function signalNpm(demo: RunningDemo, signal: NodeJS.Signals, deadlineMs: number) {
  const exited = once(demo.npm, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  demo.npm.kill(signal);
  const timer = new Promise<null>((r) => setTimeout(r, deadlineMs, null));
  return Promise.race([exited, timer]);
}

/** The ports still accepting connections once `deadlineMs` has passed (polled; empty as soon as all closed). */
export async function openPortsAfter(ports: readonly number[], deadlineMs: number): Promise<number[]> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const open = [];
    for (const port of ports) if (await listening(port)) open.push(port);
    if (open.length === 0 || Date.now() >= deadline) return open;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Test clean-up: kills what a failed test left running. */
export function killDemo(demo: RunningDemo | undefined): void {
  for (const pid of [demo?.pid, demo?.npm.pid]) {
    try {
      if (pid) process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** GET on a connection of its own (a slow test must not meet a kept-alive socket the server has closed). */
export function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpGet(url, { headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}
