// `npm run bench -- --scale`: seeds 0, 10k and 100k consumers (with 2, 1k and 10k APIs) straight into the store,
// starts two replicas on it, and measures what configuration size costs: admin writes/s, the worst /healthz
// answer during a burst of 30 writes, revoke → refusal on this and the other replica, RSS after 10 changes,
// and req/s on the first and the last API. Figures only; nothing here passes or fails.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchError, BenchErrorCode } from '../bench-error.js';
import { repoRoot } from '../gateway.js';
import { startNginx } from '../nginx.js';
import { freePort, processProbe, rssBytes, startProcess, waitForHttp } from '../processes.js';
import { runWrk } from '../wrk.js';
import { seedScale } from './seed-store.js';

export interface ScaleRow {
  keys: number;
  apis: number;
  startS: number;
  writesPerS: number;
  writesPerS16: number;
  /** CPU time of the gateway per sequential write: what a write costs whatever else the machine is doing. */
  cpuMsPerWrite: number;
  /** nodejs_eventloop_lag_max_seconds over the burst (the gateway's own monitor). */
  burstWorstStallMs: number;
  burstWorstHealthzMs: number;
  burstHealthzAnswers: number;
  revokeLocalMs: number;
  revokeReplicaMs: number;
  /** Admin writes answered with an error (e.g. 408 while the old gateway rebuilt): not in writes/s. */
  failedWrites: number;
  rssStartMiB: number;
  rssAfter10MiB: number;
  firstApiRps: number;
  lastApiRps: number;
}

export interface ScaleReport {
  gatewayRoot: string;
  loadAverage1m: number;
  startedAt: string;
  rows: ScaleRow[];
}

const ADMIN = 'bench-scale-admin-token';
const mib = (b: number) => Math.round((b / 1024 / 1024) * 10) / 10;
const ms = (t0: number) => Math.round((performance.now() - t0) * 10) / 10;

async function startReplica(root: string, file: string) {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    ADMIN_TOKEN: ADMIN,
  };
  env.DATABASE_URL = `sqlite:${file}`;
  env.LOG_LEVEL = 'warn';
  delete env.REDIS_URL;
  delete env.CONFIG_POLL_MS; // each build's own default
  const started = startProcess('gateway', ['node', '--import', 'tsx', join(root, 'gateway/src/main.ts')], {
    cwd: repoRoot,
    env,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(processProbe(started), `${url}/readyz`, 300_000);
  return { url, started, pid: started.child.pid ?? 0 };
}

/** User + system CPU time of a process in ms, from /proc (clock ticks of 10 ms). */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function lagMaxMs(url: string): Promise<number> {
  const text = await (
    await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } })
  ).text();
  const match = /^nodejs_eventloop_lag_max_seconds ([0-9.e+-]+)$/m.exec(text);
  return match ? Math.round(Number(match[1]) * 1000) : Number.NaN;
}

async function admin(url: string, method: string, path: string, body?: unknown) {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status >= 300)
    throw new BenchError(BenchErrorCode.loadFailed, `${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function status(url: string, key: string): Promise<number> {
  const res = await fetch(url, { headers: { 'x-api-key': key } });
  await res.arrayBuffer();
  return res.status;
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > end) throw new BenchError(BenchErrorCode.loadFailed, 'condition not met in time');
    await sleep(2);
  }
}

async function measureLevel(
  root: string,
  level: { keys: number; apis: number },
  backendUrl: string,
  log: (l: string) => void,
) {
  const dir = await mkdtemp(join(tmpdir(), 'bench-scale-'));
  const file = join(dir, 'gw.db');
  const cleanups: (() => Promise<void>)[] = [async () => rm(dir, { recursive: true, force: true })];
  try {
    log(`seeding ${level.keys} keys and ${level.apis} APIs`);
    const seed = await seedScale(root, file, level, backendUrl);
    const t0 = performance.now();
    const a = await startReplica(root, file);
    cleanups.unshift(a.started.stop);
    const startS = Math.round((performance.now() - t0) / 100) / 10;
    const b = await startReplica(root, file);
    cleanups.unshift(b.started.stop);
    const keysPath = `/admin/v1/apps/${seed.probeAppId}/keys`;
    let failedWrites = 0;
    // A write the gateway cannot answer in time (408/503 under a full rebuild) is counted, not fatal.
    const write = (name: string) =>
      admin(a.url, 'POST', keysPath, { name }).catch((error: unknown) => {
        failedWrites++;
        log(`write failed: ${(error as Error).message.slice(0, 120)}`);
        return null;
      });

    const rssStart = await rssBytes(a.pid);
    for (let i = 0; i < 10; i++) await write(`change ${i}`);
    const rssAfter10 = await rssBytes(a.pid);

    log('admin writes/s');
    const sequential = 20;
    let t = performance.now();
    const cpu0 = await cpuMs(a.pid);
    for (let i = 0; i < sequential; i++) await write(`seq ${i}`);
    const writesPerS = sequential / ((performance.now() - t) / 1000);
    const cpuMsPerWrite = ((await cpuMs(a.pid)) - cpu0) / sequential;
    t = performance.now();
    await Promise.all(Array.from({ length: 16 }, (_, i) => write(`par ${i}`)));
    const writesPerS16 = 16 / ((performance.now() - t) / 1000);

    log('burst of 30 writes, /healthz meanwhile');
    let worst = 0;
    let answers = 0;
    let bursting = true;
    await lagMaxMs(a.url); // resets the gateway's event-loop delay histogram
    const prober = (async () => {
      while (bursting) {
        const h = performance.now();
        await (await fetch(`${a.url}/healthz`)).arrayBuffer();
        worst = Math.max(worst, performance.now() - h);
        answers++;
      }
    })();
    await Promise.all(Array.from({ length: 30 }, (_, i) => write(`burst ${i}`)));
    bursting = false;
    await prober;
    const burstWorstStallMs = await lagMaxMs(a.url);

    log('revoke → refusal');
    let victim = await write('victim');
    while (!victim) victim = await write('victim');
    const firstUrl = (base: string) => `${base}${seed.firstPath}/x`;
    await until(async () => (await status(firstUrl(b.url), victim.key)) === 200, 30_000);
    t = performance.now();
    const revoked = admin(a.url, 'DELETE', `${keysPath}/${victim.id}`);
    const local = (async () => {
      await revoked;
      await until(async () => (await status(firstUrl(a.url), victim.key)) !== 200, 30_000);
      return ms(t);
    })();
    await until(async () => (await status(firstUrl(b.url), victim.key)) !== 200, 30_000);
    const revokeReplicaMs = ms(t);
    const revokeLocalMs = await local;

    log('req/s on the first and the last API');
    const load = (path: string) =>
      runWrk({
        url: `${a.url}${path}/x`,
        connections: 16,
        durationS: 5,
        headers: { 'x-api-key': seed.probeKey },
      });
    const first = await load(seed.firstPath);
    const last = await load(seed.lastPath);
    if (first.non2xx || last.non2xx)
      throw new BenchError(BenchErrorCode.loadFailed, 'non-2xx answers under load');
    return {
      ...level,
      startS,
      writesPerS: Math.round(writesPerS * 10) / 10,
      writesPerS16: Math.round(writesPerS16 * 10) / 10,
      cpuMsPerWrite: Math.round(cpuMsPerWrite * 10) / 10,
      burstWorstStallMs,
      burstWorstHealthzMs: Math.round(worst),
      burstHealthzAnswers: answers,
      revokeLocalMs,
      revokeReplicaMs,
      failedWrites,
      rssStartMiB: mib(rssStart),
      rssAfter10MiB: mib(rssAfter10),
      firstApiRps: Math.round(first.requestsPerSecond),
      lastApiRps: Math.round(last.requestsPerSecond),
    };
  } finally {
    for (const c of cleanups) await c().catch(() => {});
  }
}

export async function runScale(options: {
  gatewayRoot: string;
  sizes: readonly number[];
  log: (line: string) => void;
}): Promise<ScaleReport> {
  const report: ScaleReport = {
    gatewayRoot: options.gatewayRoot,
    loadAverage1m: Math.round(loadavg()[0]! * 100) / 100,
    startedAt: new Date().toISOString(),
    rows: [],
  };
  const backend = await startNginx('backend nginx', { role: 'backend', port: await freePort() });
  try {
    for (const keys of options.sizes) {
      const apis = Math.min(10_000, Math.max(2, Math.round(keys / 10)));
      const row = await measureLevel(options.gatewayRoot, { keys, apis }, backend.url, options.log);
      options.log(`row ${JSON.stringify(row)}`);
      report.rows.push(row);
    }
  } finally {
    await backend.stop();
  }
  return report;
}

export function renderScale(report: ScaleReport): string {
  const columns: [string, (r: ScaleRow) => number][] = [
    ['keys', (r) => r.keys],
    ['APIs', (r) => r.apis],
    ['start s', (r) => r.startS],
    ['writes/s', (r) => r.writesPerS],
    ['writes/s (16 in flight)', (r) => r.writesPerS16],
    ['CPU ms/write', (r) => r.cpuMsPerWrite],
    ['worst stall in burst of 30 ms', (r) => r.burstWorstStallMs],
    ['worst /healthz in burst ms', (r) => r.burstWorstHealthzMs],
    ['revoke→refused here ms', (r) => r.revokeLocalMs],
    ['revoke→refused replica ms', (r) => r.revokeReplicaMs],
    ['RSS start MiB', (r) => r.rssStartMiB],
    ['RSS after 10 changes MiB', (r) => r.rssAfter10MiB],
    ['req/s first API', (r) => r.firstApiRps],
    ['req/s last API', (r) => r.lastApiRps],
    ['failed writes', (r) => r.failedWrites],
  ];
  return [
    `gateway: ${report.gatewayRoot} (load average ${report.loadAverage1m} at start)`,
    `| ${columns.map(([name]) => name).join(' | ')} |`,
    `|${columns.map(() => '---').join('|')}|`,
    ...report.rows.map((r) => `| ${columns.map(([, value]) => value(r)).join(' | ')} |`),
  ].join('\n');
}
