// Runs wrk (closed-loop for throughput, Poisson-paced for a fixed rate) and parses its JSON result line.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { z } from 'zod';
import { BenchError, BenchErrorCode } from './bench-error.js';

const run = promisify(execFile);
const scriptPath = fileURLToPath(new URL('./wrk-report.lua', import.meta.url));

const count = z.number().int().min(0);
const wrkLine = z.strictObject({
  requests: count,
  durationUs: count,
  bytes: count,
  errors: z.strictObject({ connect: count, read: count, write: count, status: count, timeout: count }),
  latencyUs: z.strictObject({
    min: count,
    mean: z.number().min(0),
    p50: count,
    p90: count,
    p99: count,
    p999: count,
    max: count,
  }),
});

export interface LoadResult {
  readonly requests: number;
  readonly durationS: number;
  readonly requestsPerSecond: number;
  /** Socket-level failures: connect, read, write, timeout. */
  readonly socketErrors: number;
  /** Responses outside 2xx/3xx. */
  readonly non2xx: number;
  readonly latencyMs: {
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
    readonly p999: number;
    readonly max: number;
  };
}

export interface WrkOptions {
  readonly url: string;
  readonly connections: number;
  readonly durationS: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Target total rate; when set, each connection waits a random gap with mean connections/rate. */
  readonly ratePerSecond?: number;
  readonly prefix?: readonly string[];
}

/** Parses wrk's output; exported for tests. */
export function parseWrkOutput(stdout: string): LoadResult {
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (!line)
    throw new BenchError(BenchErrorCode.loadFailed, `wrk printed no result line: ${stdout.slice(-500)}`);
  const raw = wrkLine.parse(JSON.parse(line.slice('BENCH_RESULT '.length)));
  if (raw.requests === 0) {
    const e = raw.errors;
    throw new BenchError(
      BenchErrorCode.loadFailed,
      `wrk completed no request (connect ${e.connect}, read ${e.read}, write ${e.write}, timeout ${e.timeout} errors)`,
    );
  }
  const durationS = raw.durationUs / 1e6;
  const ms = (us: number) => Math.round(us) / 1000;
  return {
    requests: raw.requests,
    durationS,
    requestsPerSecond: durationS > 0 ? raw.requests / durationS : 0,
    socketErrors: raw.errors.connect + raw.errors.read + raw.errors.write + raw.errors.timeout,
    non2xx: raw.errors.status,
    latencyMs: {
      p50: ms(raw.latencyUs.p50),
      p90: ms(raw.latencyUs.p90),
      p99: ms(raw.latencyUs.p99),
      p999: ms(raw.latencyUs.p999),
      max: ms(raw.latencyUs.max),
    },
  };
}

export async function runWrk(options: WrkOptions): Promise<LoadResult> {
  const args = ['wrk', '-t1', `-c${options.connections}`, `-d${options.durationS}s`, '--timeout', '5s'];
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}: ${value}`);
  args.push('-s', scriptPath, options.url);
  const env = { ...process.env };
  if (options.ratePerSecond) {
    env.BENCH_MEAN_INTERVAL_MS = String((options.connections / options.ratePerSecond) * 1000);
  }
  const [file, ...rest] = [...(options.prefix ?? []), ...args];
  try {
    const { stdout } = await run(file!, rest, { env, timeout: (options.durationS + 30) * 1000 });
    return parseWrkOutput(stdout);
  } catch (error) {
    if (error instanceof BenchError) throw error;
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') {
      throw new BenchError(
        BenchErrorCode.toolMissing,
        `${file} not found: install wrk (apt-get install wrk)`,
      );
    }
    throw new BenchError(BenchErrorCode.loadFailed, `wrk failed: ${e.stderr?.trim() || e.message}`);
  }
}
