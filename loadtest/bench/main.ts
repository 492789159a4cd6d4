// `npm run bench`: the local benchmark CLI (rows, fixed-rate latency, quota, memory) with a JSON report.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchArgs, parseBenchArgs, usage } from './args.js';
import { BenchError, BenchErrorCode } from './bench-error.js';
import { detectCpuPlan, hasCommand } from './cpu-plan.js';
import { renderProfile, summarizeNewestProfile } from './cpu-profile.js';
import { repoRoot } from './gateway.js';
import { renderReport } from './report.js';
import { runBench } from './run-bench.js';
import { renderScale, runScale } from './scale/run-scale.js';
import { loadTargets } from './targets.js';

const reportsDir = fileURLToPath(new URL('../reports/', import.meta.url));

async function main(argv: readonly string[]): Promise<number> {
  const args = parseBenchArgs(argv);
  if (args.help) {
    console.log(usage);
    return 0;
  }
  const targets = loadTargets();
  for (const tool of ['nginx', 'wrk', ...(args.containers ? ['docker'] : [])]) {
    if (!hasCommand(tool)) {
      throw new BenchError(
        BenchErrorCode.toolMissing,
        `${tool} not found on PATH (Debian: apt-get install ${tool === 'nginx' ? 'nginx-light' : tool === 'docker' ? 'docker.io' : tool})`,
      );
    }
  }
  const log = (line: string) => console.error(`bench: ${line}`);
  if (args.scale) return scale(args, log);
  if (!args.containers && !args.skipGateway && args.runtime === 'dist') {
    log('building the gateway (tsc -b gateway)');
    execFileSync('npx', ['tsc', '-b', 'gateway'], { cwd: repoRoot, stdio: 'inherit' });
  }
  const report = await runBench(
    {
      quick: args.quick,
      containers: args.containers,
      cpuPlan: detectCpuPlan(args.pin),
      pin: args.pin,
      workers: args.workers,
      ...(args.cpuProf ? { cpuProfDir: resolve(args.cpuProf) } : {}),
      runtime: args.runtime,
      skipGateway: args.skipGateway,
      gatewayImage: args.gatewayImage,
      echoImage: args.echoImage,
      llmMockImage: args.llmMockImage,
      logLevel: process.env.BENCH_GATEWAY_LOG_LEVEL ?? 'warn',
      log,
    },
    targets,
  );
  const path =
    args.json ?? join(reportsDir, `bench-${report.mode}-${report.startedAt.replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  console.log(renderReport(report));
  if (args.cpuProf) {
    // Written by the gateway as it exited at the end of the run.
    const profile = await summarizeNewestProfile(resolve(args.cpuProf));
    console.log(profile ? `\n${renderProfile(profile)}` : `\nno .cpuprofile was written in ${args.cpuProf}`);
  }
  console.log(`\nreport: ${path}`);
  return args.check && report.verdicts.some((verdict) => !verdict.met) ? 1 : 0;
}

async function scale(args: BenchArgs, log: (line: string) => void): Promise<number> {
  const report = await runScale({
    gatewayRoot: resolve(args.gatewayRoot ?? repoRoot),
    sizes: args.scaleSizes,
    log,
  });
  const path = args.json ?? join(reportsDir, `bench-scale-${report.startedAt.replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  console.log(renderScale(report));
  console.log(`\nreport: ${path}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof BenchError) console.error(`bench: ${error.code}: ${error.message}`);
    else console.error(error);
    process.exitCode = 2;
  },
);
