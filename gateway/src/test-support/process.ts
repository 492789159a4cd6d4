// Runs the gateway as a real child process (as operators do), for replica, signal and fault tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

export interface GatewayProcess {
  url: string;
  child: ChildProcess;
  /** Every log line the process wrote, parsed. */
  logs: Record<string, unknown>[];
  stderr: string[];
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function spawnGateway(env: Record<string, string>): Promise<GatewayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    // info at least: the "gateway listening" line is how we learn the port.
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // If the test process dies (a timeout, a crash), take the gateway with it rather than leave an orphan.
  const reap = () => child.kill('SIGKILL');
  process.once('exit', reap);
  child.once('exit', () => process.off('exit', reap));
  const logs: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr.push(d);
    if (process.env.GK_DEBUG) process.stderr.write(d);
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buffer += d;
      let nl = buffer.indexOf('\n');
      while (nl !== -1) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.msg === 'gateway listening') resolve(entry.url as string);
        } catch {}
        nl = buffer.indexOf('\n');
      }
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}: ${stderr.join('')}`)));
  });
  return {
    url,
    child,
    logs,
    stderr,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const [code] = await once(child, 'exit');
      return code as number | null;
    },
  };
}
