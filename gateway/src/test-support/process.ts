// Runs the gateway as a real child process (as operators do), for replica, signal and fault tests.
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startChild } from './child-process.js';

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
  const logs: Record<string, unknown>[] = [];
  let url = '';
  const started = await startChild(process.execPath, ['--import', 'tsx', MAIN], {
    // info at least: the "gateway listening" line is how we learn the port.
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', ...env, LOG_LEVEL: 'info' },
    ready: (line) => {
      const entry = parse(line);
      if (entry?.msg === 'gateway listening') url = entry.url as string;
      return url !== '';
    },
  });
  // Lines keep coming after start-up; `logs` follows them.
  for (const line of started.lines) pushParsed(logs, line);
  started.child.stdout!.on('data', () => {
    while (logs.length < started.lines.length) pushParsed(logs, started.lines[logs.length]!);
  });
  return { url, child: started.child, logs, stderr: started.stderr, stop: started.stop };
}

function parse(line: string): Record<string, unknown> | null {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function pushParsed(logs: Record<string, unknown>[], line: string): void {
  logs.push(parse(line) ?? { raw: line });
}
