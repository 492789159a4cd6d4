// Small system probes for the test prerequisites: PATH lookups, commands, TCP and HTTP checks.
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, openSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';

/** The absolute path of `command` on PATH, or null. */
export function onPath(command: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

export interface RunResult {
  code: number;
  output: string;
}

/** Runs a command to completion (never throws): exit code and combined output. */
export function run(command: string, args: string[], timeoutMs = 120_000): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}`.trim() });
    });
  });
}

/** Starts a long-lived server that outlives this process, its output appended to `logFile`. */
export function startDetached(command: string, args: string[], logFile: string): void {
  const log = openSync(logFile, 'a');
  spawn(command, args, { detached: true, stdio: ['ignore', log, log] }).unref();
}

/** Sends one inline command to a Redis server and returns its first reply line. */
export function redisCommand(url: string, command: string, timeoutMs = 2000): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    let reply = '';
    socket.on('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) {
        socket.end();
        resolve(reply.slice(0, reply.indexOf('\r\n')));
      }
    });
    socket.on('error', reject);
  });
}

/** The status of GET `url`, or the reason it could not be fetched. */
export async function httpStatus(url: string, timeoutMs = 3000): Promise<number | string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.status;
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause;
    return cause?.message ?? (error as Error).message;
  }
}

/** Polls `check` until it returns true, at most `seconds` times one second apart. */
export async function waitFor(check: () => Promise<boolean>, seconds: number): Promise<boolean> {
  for (let i = 0; i < seconds; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return check();
}
