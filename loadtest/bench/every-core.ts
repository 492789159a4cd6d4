// The Node floor row, and the every-core comparison: the gateway with WORKERS=N against nginx with
// worker_processes N, each in front of an N-worker backend, on CPUs chosen by planWorkersCpus.
import { fileURLToPath } from 'node:url';
import { detectWorkersCpuPlan } from './cpu-plan.js';
import { type GatewayRuntime, startLocalGateway } from './gateway.js';
import { startNginx } from './nginx.js';
import { freePort, processProbe, type Started, startProcess, waitForHttp } from './processes.js';
import { type MeasuredRow, RowId, toRows, type WorkersReport } from './report.js';
import { benchPaths, seedGateway } from './seed.js';
import type { LoadResult } from './wrk.js';

const floorScript = fileURLToPath(new URL('./node-floor.mjs', import.meta.url));

/** node:http + undici Pool forwarding to `backendUrl`, no policy (node-floor.mjs), on the servers' CPUs. */
export async function startNodeFloor(
  backendUrl: string,
  prefix: readonly string[],
): Promise<Started & { url: string }> {
  const port = await freePort();
  const started = startProcess('node floor', [...prefix, 'node', floorScript, String(port), backendUrl]);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(processProbe(started), `${url}/`);
  } catch (error) {
    await started.stop();
    throw error;
  }
  return { ...started, url };
}

export interface EveryCoreOptions {
  readonly workers: number;
  readonly pin: boolean;
  readonly runtime: GatewayRuntime;
  readonly logLevel: string;
  readonly quota: number;
  readonly warmupS: number;
  readonly durationS: number;
  readonly connections: number;
  readonly log: (line: string) => void;
  /** wrk with the generator prefix of this section's CPU plan. */
  readonly load: (
    url: string,
    headers: Record<string, string> | undefined,
    seconds: number,
    prefix: readonly string[],
  ) => Promise<LoadResult>;
}

export async function measureEveryCore(o: EveryCoreOptions): Promise<WorkersReport> {
  const plan = detectWorkersCpuPlan(o.pin, o.workers);
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const backendPort = await freePort();
    const backend = await startNginx(
      'backend nginx (workers)',
      { role: 'backend', port: backendPort, workers: o.workers },
      plan.servers,
    );
    cleanups.push(backend.stop);
    const proxy = await startNginx(
      'proxy nginx (workers)',
      { role: 'proxy', port: await freePort(), upstreamPort: backendPort, workers: o.workers },
      plan.servers,
    );
    cleanups.push(proxy.stop);
    const gateway = await startLocalGateway({
      runtime: o.runtime,
      prefix: plan.servers,
      logLevel: o.logLevel,
      workers: o.workers,
    });
    cleanups.push(gateway.stop);
    const { apiKey } = await seedGateway(gateway.url, gateway.adminToken, backend.url, o.quota);
    const rows = [
      { id: RowId.nginx, label: `nginx proxy, ${o.workers} workers`, url: `${proxy.url}/bench` },
      {
        id: RowId.gatewayKeyed,
        label: `gateway keyed, WORKERS=${o.workers}`,
        url: `${gateway.url}${benchPaths.keyed}/bench`,
        headers: { 'x-api-key': apiKey },
      },
    ];
    const measured: MeasuredRow[] = [];
    for (const row of rows) {
      // The warm-up also lets every worker take connections before the measured run.
      if (o.warmupS > 0) await o.load(row.url, row.headers, o.warmupS, plan.generator);
      o.log(`measuring ${row.label}: ${o.connections} connections, ${o.durationS} s (${plan.description})`);
      const result = await o.load(row.url, row.headers, o.durationS, plan.generator);
      measured.push({ id: row.id, label: row.label, result, expect: 'success' });
    }
    const table = toRows(measured);
    return {
      workers: o.workers,
      cpuPlan: plan.description,
      rows: table,
      keyedRatioToNginx: table.find((r) => r.id === RowId.gatewayKeyed)?.ratioToNginx ?? null,
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}
