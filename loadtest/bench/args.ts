// Parses `npm run bench` flags once; an unknown flag or bad value is a one-line error.
import { parseArgs } from 'node:util';
import { BenchError, BenchErrorCode } from './bench-error.js';
import { GatewayRuntime } from './gateway.js';

export interface BenchArgs {
  readonly quick: boolean;
  readonly containers: boolean;
  readonly pin: boolean;
  readonly runtime: GatewayRuntime;
  readonly skipGateway: boolean;
  readonly gatewayImage?: string;
  readonly echoImage?: string;
  readonly llmMockImage?: string;
  readonly json?: string;
  readonly check: boolean;
  readonly help: boolean;
  /** `--scale`: the configuration-size scenario instead of the rows (scale/run-scale.ts). */
  readonly scale: boolean;
  readonly scaleSizes: readonly number[];
  /** The checkout whose gateway --scale measures (default: this one), for before/after figures. */
  readonly gatewayRoot?: string;
  /** WORKERS of the every-core comparison against nginx with as many worker processes (0: skip it). */
  readonly workers: number;
  /** Profile the (one-process) gateway with node --cpu-prof into this directory and print its hot spots. */
  readonly cpuProf?: string;
}

export const usage = `usage: npm run bench -- [options]
  --quick               short smoke run (about 15 s): every row, tiny durations
  --containers          gateway and echo from the image pipeline's local images (docker run --network host)
  --no-pin              do not pin the load generator and the servers to separate CPUs
  --runtime dist|tsx    how to run the local gateway (default: dist, built first; --quick: tsx)
  --skip-gateway        measure only the direct and nginx rows
  --gateway-image REF   image for --containers (default: images.lock.json, then gateway-kit/gateway:latest)
  --echo-image REF      image for --containers (default: images.lock.json, then gateway-kit/echo:latest)
  --llm-mock-image REF  image for --containers (default: images.lock.json, then gateway-kit/llm-mock:latest)
  --json PATH           where to write the JSON report (default: loadtest/reports/bench-<mode>-<time>.json)
  --check               exit 1 when a target of targets.json is missed
  --scale               configuration at scale: 0, 10k and 100k keys seeded into the store, two replicas
  --scale-sizes LIST    key counts for --scale, comma-separated (default: 0,10000,100000)
  --gateway-root PATH   measure the gateway of another checkout with --scale (e.g. a worktree of main)
  --workers N           the every-core rows: gateway WORKERS=N vs nginx worker_processes N (default 2, 0 skips)
  --cpu-prof DIR        run the gateway under node --cpu-prof (profile in DIR) and print where its time went`;

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new BenchError(BenchErrorCode.badArgs, `${(error as Error).message}\n${usage}`);
  }
  const { values } = parsed;
  const runtime = values.runtime ?? (values.quick ? GatewayRuntime.tsx : GatewayRuntime.dist);
  if (runtime !== GatewayRuntime.dist && runtime !== GatewayRuntime.tsx) {
    throw new BenchError(BenchErrorCode.badArgs, `--runtime must be dist or tsx, got ${runtime}`);
  }
  if (values.containers && values['skip-gateway']) {
    throw new BenchError(
      BenchErrorCode.badArgs,
      '--containers measures the gateway image: drop --skip-gateway',
    );
  }
  return {
    quick: values.quick ?? false,
    containers: values.containers ?? false,
    pin: !(values['no-pin'] ?? false),
    runtime,
    skipGateway: values['skip-gateway'] ?? false,
    gatewayImage: values['gateway-image'],
    echoImage: values['echo-image'],
    llmMockImage: values['llm-mock-image'],
    json: values.json,
    check: values.check ?? false,
    help: values.help ?? false,
    scale: values.scale ?? false,
    scaleSizes: parseSizes(values['scale-sizes'] ?? '0,10000,100000'),
    gatewayRoot: values['gateway-root'],
    workers: parseWorkers(values.workers ?? '2'),
    cpuProf: values['cpu-prof'],
  };
}

function parseSizes(list: string): number[] {
  const sizes = list.split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 0 || n > 1_000_000)) {
    throw new BenchError(
      BenchErrorCode.badArgs,
      `--scale-sizes must be integers from 0 to 1000000, got ${list}`,
    );
  }
  return sizes;
}

function parseWorkers(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 64 || n === 1) {
    throw new BenchError(BenchErrorCode.badArgs, `--workers must be 0 (skip) or 2 to 64, got ${value}`);
  }
  return n;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      quick: { type: 'boolean' },
      containers: { type: 'boolean' },
      'no-pin': { type: 'boolean' },
      runtime: { type: 'string' },
      'skip-gateway': { type: 'boolean' },
      'gateway-image': { type: 'string' },
      'echo-image': { type: 'string' },
      'llm-mock-image': { type: 'string' },
      json: { type: 'string' },
      check: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      scale: { type: 'boolean' },
      'scale-sizes': { type: 'string' },
      'gateway-root': { type: 'string' },
      workers: { type: 'string' },
      'cpu-prof': { type: 'string' },
    },
  });
}
