// Runs a child process for a test (a gateway, a redis-server…) until one of its output lines says it is ready;
// the child dies with the test process, so a crashed or timed-out test leaves no orphan.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

export interface TestChild {
  child: ChildProcess;
  /** Every stdout line so far. */
  lines: string[];
  stderr: string[];
  /** Signals the child (SIGTERM by default) and waits for its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface ChildOptions {
  env?: NodeJS.ProcessEnv;
  /** Called with each stdout line until it returns true: the child is then ready. */
  ready(line: string): boolean;
}

export async function startChild(command: string, args: string[], options: ChildOptions): Promise<TestChild> {
  const child = spawn(command, args, { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  child.once('exit', () => process.off('exit', reap));
  const lines: string[] = [];
  const stderr: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr.push(d);
    if (process.env.GK_DEBUG) process.stderr.write(d);
  });
  await new Promise<void>((resolve, reject) => {
    let buffer = '';
    let isReady = false;
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buffer += d;
      for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        lines.push(line);
        if (!isReady && options.ready(line)) {
          isReady = true;
          resolve();
        }
      }
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}: ${stderr.join('')}`)));
  });
  return {
    child,
    lines,
    stderr,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = await once(child, 'exit');
      return code as number | null;
    },
  };
}
