// The e2e driver's plumbing: timed phases, logged child processes, and the report printed at the end.
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export type PhaseResult = {
  name: string;
  seconds: number;
  outcome: 'ok' | 'failed' | 'skipped';
  note?: string;
};

/** A failure that names what to read: the driver prints the tail of each log file. */
export class PhaseError extends Error {
  constructor(
    message: string,
    readonly logs: readonly string[] = [],
  ) {
    super(message);
  }
}

export class Run {
  readonly results: PhaseResult[] = [];
  /** Measured figures (docs/integrated-vs-decoupled.md), printed after the phases. */
  readonly figures: [what: string, value: string][] = [];
  private readonly children: { name: string; child: ChildProcess }[] = [];

  constructor(readonly logDir: string) {}

  /** Runs one phase, prints it with its duration; a failure names the phase and shows its logs. */
  async phase<T>(name: string, body: () => Promise<T>): Promise<T> {
    const started = performance.now();
    process.stdout.write(`▶ ${name}\n`);
    try {
      const value = await body();
      this.record(name, started, 'ok');
      return value;
    } catch (error) {
      this.record(name, started, 'failed', (error as Error).message);
      process.stdout.write(`✗ phase "${name}" failed: ${(error as Error).message}\n`);
      for (const file of error instanceof PhaseError ? error.logs : []) printTail(file);
      throw error;
    }
  }

  skip(name: string, why: string): void {
    this.results.push({ name, seconds: 0, outcome: 'skipped', note: why });
    process.stdout.write(`- ${name}: skipped (${why})\n`);
  }

  private record(name: string, started: number, outcome: PhaseResult['outcome'], note?: string): void {
    const seconds = (performance.now() - started) / 1000;
    this.results.push({ name, seconds, outcome, ...(note ? { note } : {}) });
    if (outcome === 'ok') process.stdout.write(`✓ ${name} (${seconds.toFixed(1)} s)\n`);
  }

  /** Starts a long-running process with stdout and stderr in <logDir>/<name>.log. */
  start(name: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
    const log = this.logFile(name);
    const fd = openSync(log, 'a');
    const child = spawn(command, args, {
      stdio: ['ignore', fd, fd],
      env: { ...process.env, ...env },
      detached: true,
    });
    closeSync(fd);
    child.on('error', () => {});
    this.children.push({ name, child });
    return child;
  }

  logFile(name: string): string {
    return join(this.logDir, `${name}.log`);
  }

  /** Stops every started process, newest first (SIGTERM, then SIGKILL after 10 s). */
  async stopAll(): Promise<void> {
    for (const { child } of this.children.reverse()) {
      if (child.exitCode !== null || child.pid === undefined) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      signalGroup(child.pid, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  }

  figure(what: string, value: string): void {
    this.figures.push([what, value]);
    process.stdout.write(`  figure: ${what} = ${value}\n`);
  }

  summary(): string {
    const width = Math.max(...this.results.map((r) => r.name.length));
    const phases = this.results.map((r) => {
      const time = r.outcome === 'skipped' ? '' : `${r.seconds.toFixed(1).padStart(7)} s`;
      return `${r.outcome.padEnd(7)} ${r.name.padEnd(width)} ${time}${r.note ? `  ${r.note}` : ''}`;
    });
    const figures = this.figures.map(([what, value]) => `  ${what}: ${value}`);
    return [...phases, ...(figures.length > 0 ? ['figures:', ...figures] : [])].join('\n');
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

export function printTail(file: string, lines = 40): void {
  if (!existsSync(file)) return;
  const text = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  process.stdout.write(`--- last ${lines} lines of ${file}\n${text}\n---\n`);
}

/** Runs a command to completion; its output goes to the log file and, on failure, into the error. */
export function exec(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; log: string; input?: string },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const fd = openSync(options.log, 'a');
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', fd],
    });
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      writeSync(fd, chunk);
    });
    if (options.input !== undefined) child.stdin?.end(options.input);
    child.on('error', (error) => reject(new PhaseError(`${command}: ${error.message}`, [options.log])));
    child.on('close', (code) => {
      closeSync(fd);
      if (code === 0) resolve(out);
      else reject(new PhaseError(`${command} ${args.join(' ')} exited with ${code}`, [options.log]));
    });
  });
}

/** A free loopback port, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Polls until check returns a value (not undefined) or the deadline passes. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | undefined>,
  logs: readonly string[] = [],
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new PhaseError(
    `${what}: not reached in ${timeoutMs / 1000} s${last ? ` (last error: ${last})` : ''}`,
    logs,
  );
}
