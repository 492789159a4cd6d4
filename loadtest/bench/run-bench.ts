// Orchestrates one benchmark run: start backend, nginx proxy and gateway, measure every row, clean up.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release } from 'node:os';
import { measureNoisyNeighbour } from './ai-noisy.js';
import { measureAi, startLlmMock } from './ai-scenario.js';
import { benchTlsPair, JWT_AUDIENCE, JWT_CLIENT, JWT_ISSUER, startJwksIssuer } from './auth-rows.js';
import { resolveImage, startContainer, startGatewayContainer } from './containers.js';
import type { CpuPlan } from './cpu-plan.js';
import { measureEveryCore, startNodeFloor } from './every-core.js';
import { type GatewayHandle, type GatewayRuntime, startLocalGateway } from './gateway.js';
import { measureMemory } from './memory.js';
import { startNginx } from './nginx.js';
import { freePort } from './processes.js';
import { runQuotaCheck } from './quota-check.js';
import {
  type AiReport,
  type BenchReport,
  type MeasuredRow,
  type MemoryResult,
  RowId,
  toRows,
  verdictsFor,
  type WorkersReport,
} from './report.js';
import { benchPaths, seedGateway } from './seed.js';
import type { Targets } from './targets.js';
import { type LoadResult, runWrk } from './wrk.js';

export interface BenchOptions {
  readonly quick: boolean;
  readonly containers: boolean;
  readonly cpuPlan: CpuPlan;
  /** Whether CPUs are pinned at all (--no-pin turns it off), for the every-core section's own plan. */
  readonly pin: boolean;
  /** WORKERS for the every-core comparison (0: skip it). */
  readonly workers: number;
  /** node --cpu-prof for the main gateway, written into this directory when it stops. */
  readonly cpuProfDir?: string;
  readonly runtime: GatewayRuntime;
  /** Measure only the direct and nginx rows (no gateway). */
  readonly skipGateway: boolean;
  readonly gatewayImage?: string;
  readonly echoImage?: string;
  readonly llmMockImage?: string;
  readonly logLevel: string;
  readonly log: (line: string) => void;
}

interface Target {
  readonly id: RowId;
  readonly label: string;
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly expect: MeasuredRow['expect'];
}

function versionOf(command: string, args: string[]): string {
  try {
    const out = execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return out.split('\n')[0]!.trim();
  } catch (error) {
    // nginx -v prints to stderr and wrk -v exits 1: take whichever line it printed.
    const e = error as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}`.split('\n')[0]!.trim() || 'unknown';
  }
}

function nginxVersion(): string {
  const result = execFileSync('sh', ['-c', 'nginx -v 2>&1'], { encoding: 'utf8' });
  return result.trim();
}

export async function runBench(options: BenchOptions, targets: Targets): Promise<BenchReport> {
  const { local } = targets;
  const durationS = options.quick ? local.quick.durationS : local.durationS;
  const warmupS = options.quick ? local.quick.warmupS : local.warmupS;
  const connections = options.quick ? local.quick.connections : local.connections;
  const fixedDurationS = options.quick ? local.quick.fixedRateDurationS : local.durationS;
  const memoryRunS = options.quick ? local.quick.memoryRunS : local.memoryRunS;
  const rate = targets.scenarios.proxyThroughput.ratePerSecond;
  const servers = options.cpuPlan.servers;
  const cleanups: (() => Promise<void>)[] = [];
  const startedAt = new Date().toISOString();
  // Recorded before anything starts: a busy machine explains numbers far below an idle one's.
  const loadAverage1m = Math.round(loadavg()[0]! * 100) / 100;
  try {
    // Backend: a private nginx returning a fixed JSON body, or the echo image in containers mode.
    const backendPort = await freePort();
    let backendUrl: string;
    let backendDescription: string;
    if (options.containers) {
      const image = await resolveImage('echo', options.echoImage);
      const echo = await startContainer({
        name: 'echo',
        image,
        env: { PORT: String(backendPort), HOST: '127.0.0.1' },
        cpus: options.cpuPlan.serverCpus,
        healthUrl: `http://127.0.0.1:${backendPort}/healthz`,
      });
      cleanups.push(echo.stop);
      backendUrl = `http://127.0.0.1:${backendPort}`;
      backendDescription = `echo container ${image}`;
    } else {
      const backend = await startNginx('backend nginx', { role: 'backend', port: backendPort }, servers);
      cleanups.push(backend.stop);
      backendUrl = backend.url;
      backendDescription = 'nginx, 1 worker, fixed JSON body';
    }
    options.log(`backend: ${backendDescription} at ${backendUrl}`);
    const proxy = await startNginx(
      'proxy nginx',
      { role: 'proxy', port: await freePort(), upstreamPort: backendPort },
      servers,
    );
    cleanups.push(proxy.stop);
    const floor = await startNodeFloor(backendUrl, servers);
    cleanups.push(floor.stop);

    let gateway: GatewayHandle | null = null;
    let apiKey = '';
    let jwtToken = '';
    let tlsUrls: { nginx: string; gateway: string } | null = null;
    let mockUrl: string | null = null;
    let mockDescription = 'not started (--skip-gateway)';
    if (!options.skipGateway) {
      const mock = await startLlmMock(options, local.aiMock);
      cleanups.push(mock.stop);
      mockUrl = mock.url;
      mockDescription = mock.description;
      gateway = options.containers
        ? await startGatewayContainer(options)
        : await startLocalGateway({
            runtime: options.runtime,
            prefix: servers,
            logLevel: options.logLevel,
            ...(options.cpuProfDir
              ? { nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] }
              : {}),
          });
      cleanups.push(gateway.stop);
      options.log(`gateway: ${gateway.description} at ${gateway.url}`);
      const quota = targets.scenarios.quotaEnforcement.quota;
      const ai = { mockUrl, model: targets.scenarios.aiStreaming.model };
      const issuer = await startJwksIssuer();
      cleanups.push(issuer.stop);
      jwtToken = issuer.token;
      const jwt = { jwksUrl: issuer.url, issuer: JWT_ISSUER, audience: JWT_AUDIENCE, clientId: JWT_CLIENT };
      apiKey = (await seedGateway(gateway.url, gateway.adminToken, backendUrl, quota, ai, jwt)).apiKey;
      if (!options.containers) {
        // The TLS rows: nginx terminating TLS in front of the same backend, and a second gateway on the same
        // store (so the same configuration) with TLS_CERT_FILE.
        const pair = await benchTlsPair();
        cleanups.push(pair.stop);
        const tls = { cert: pair.cert, key: pair.key };
        const proxyTls = await startNginx(
          'proxy nginx tls',
          { role: 'proxy', port: await freePort(), upstreamPort: backendPort, tls },
          servers,
        );
        cleanups.push(proxyTls.stop);
        const gatewayTls = await startLocalGateway({
          runtime: options.runtime,
          prefix: servers,
          logLevel: options.logLevel,
          databaseUrl: gateway.databaseUrl,
          tls,
        });
        cleanups.push(gatewayTls.stop);
        tlsUrls = { nginx: proxyTls.url, gateway: gatewayTls.url };
        options.log(`TLS: nginx at ${proxyTls.url}, gateway at ${gatewayTls.url}`);
      }
    }

    const direct: Target = {
      id: RowId.direct,
      label: 'direct (backend)',
      url: `${backendUrl}/bench`,
      expect: 'success',
    };
    const nginx: Target = {
      id: RowId.nginx,
      label: 'nginx proxy',
      url: `${proxy.url}/bench`,
      expect: 'success',
    };
    const nodeFloor: Target = {
      id: RowId.nodeFloor,
      label: 'node floor (http + undici Pool)',
      url: `${floor.url}/bench`,
      expect: 'success',
    };
    const rows: Target[] = [direct, nginx, nodeFloor];
    let keyed: Target | null = null;
    if (gateway) {
      keyed = {
        id: RowId.gatewayKeyed,
        label: 'gateway keyed',
        url: `${gateway.url}${benchPaths.keyed}/bench`,
        headers: { 'x-api-key': apiKey },
        expect: 'success',
      };
      rows.push(
        {
          id: RowId.gatewayNone,
          label: 'gateway auth:none',
          url: `${gateway.url}${benchPaths.open}/bench`,
          expect: 'success',
        },
        keyed,
        {
          id: RowId.gatewayBadKey,
          label: 'gateway bad key (401)',
          url: `${gateway.url}${benchPaths.keyed}/bench`,
          headers: { 'x-api-key': 'bench.not-a-real-key' },
          expect: 'unauthorized',
        },
        {
          id: RowId.gatewayJwt,
          label: 'gateway jwt (RS256, cached JWKS)',
          url: `${gateway.url}${benchPaths.jwt}/bench`,
          headers: { authorization: `Bearer ${jwtToken}` },
          expect: 'success',
        },
      );
      if (tlsUrls)
        rows.push(
          { id: RowId.nginxTls, label: 'nginx proxy, TLS', url: `${tlsUrls.nginx}/bench`, expect: 'success' },
          {
            id: RowId.gatewayTls,
            label: 'gateway keyed, TLS',
            url: `${tlsUrls.gateway}${benchPaths.keyed}/bench`,
            headers: { 'x-api-key': apiKey },
            expect: 'success',
          },
        );
    }

    const load = (
      target: Target,
      seconds: number,
      conns: number,
      ratePerSecond?: number,
    ): Promise<LoadResult> =>
      runWrk({
        url: target.url,
        connections: conns,
        durationS: seconds,
        headers: target.headers,
        ratePerSecond,
        prefix: options.cpuPlan.generator,
      });

    const measured: MeasuredRow[] = [];
    for (const target of rows) {
      if (warmupS > 0) await load(target, warmupS, connections);
      options.log(`measuring ${target.label}: ${connections} connections, ${durationS} s`);
      measured.push({ ...target, result: await load(target, durationS, connections) });
    }

    const fixedTargets = keyed ? [direct, nginx, nodeFloor, keyed] : [direct, nginx, nodeFloor];
    const fixedMeasured: MeasuredRow[] = [];
    for (const target of fixedTargets) {
      options.log(`fixed rate ${rate} req/s on ${target.label}: ${fixedDurationS} s`);
      const result = await load(target, fixedDurationS, local.fixedRateConnections, rate);
      fixedMeasured.push({ ...target, result });
    }
    const fixedRows = toRows(fixedMeasured);
    const p99Of = (id: RowId) => fixedRows.find((row) => row.id === id)?.latencyMs.p99;
    const gatewayP99 = p99Of(RowId.gatewayKeyed);
    const directP99 = p99Of(RowId.direct);
    const floorP99 = p99Of(RowId.nodeFloor);
    const addedP99OverFloorMs =
      gatewayP99 !== undefined && floorP99 !== undefined
        ? Math.round((gatewayP99 - floorP99) * 1000) / 1000
        : null;
    const addedP99Ms =
      gatewayP99 !== undefined && directP99 !== undefined
        ? Math.round((gatewayP99 - directP99) * 1000) / 1000
        : null;

    let quota = null;
    let memory: MemoryResult | null = null;
    let ai: AiReport | null = null;
    let workers: WorkersReport | null = null;
    if (gateway && keyed) {
      const scenario = targets.scenarios.quotaEnforcement;
      options.log(`quota: ${scenario.quota} + ${scenario.extraRequests} calls`);
      quota = await runQuotaCheck(
        `${gateway.url}${benchPaths.quota}/bench`,
        apiKey,
        scenario.quota,
        scenario.extraRequests,
        scenario.vus,
      );
      ai = await measureAi(options, targets, mockUrl!, gateway.url, apiKey, await gateway.pid());
      const held = options.quick ? local.quick.aiHeldStreams : local.aiHeldStreams;
      ai = {
        ...ai,
        noisyNeighbour: await measureNoisyNeighbour(options, targets, gateway.url, gateway.adminToken, held),
      };
      options.log(
        `memory: ${memoryRunS} s of keyed load (after ${options.quick ? 0 : local.memorySettleS} s to settle)`,
      );
      const keyedTarget = keyed;
      memory = await measureMemory({
        pid: await gateway.pid(),
        metricsUrl: `${gateway.url}/metrics`,
        metricsToken: gateway.adminToken,
        runS: memoryRunS,
        settleS: options.quick ? 0 : local.memorySettleS,
        boundMiB: local.memoryGrowthMiBMax,
        sampleEveryMs: Math.max(500, (memoryRunS * 1000) / 12),
        run: (seconds) => load(keyedTarget, seconds, connections),
      });
    }
    if (gateway && !options.containers && options.workers > 1) {
      workers = await measureEveryCore({
        workers: options.workers,
        pin: options.pin,
        runtime: options.runtime,
        logLevel: options.logLevel,
        quota: targets.scenarios.quotaEnforcement.quota,
        warmupS,
        durationS,
        connections,
        log: options.log,
        load: (url, headers, seconds, prefix) =>
          runWrk({ url, connections, durationS: seconds, headers, prefix }),
      });
    }

    const tableRows = toRows(measured);
    const fixedRate = { ratePerSecond: rate, rows: fixedRows, addedP99Ms, addedP99OverFloorMs };
    return {
      mode: options.quick ? 'quick' : 'full',
      platform: options.containers ? 'containers' : 'processes',
      startedAt,
      machine: {
        cpus: cpus().length,
        loadAverage1m,
        cpuModel: cpus()[0]?.model ?? 'unknown',
        kernel: release(),
        node: process.version,
        nginx: nginxVersion(),
        wrk: versionOf('wrk', ['-v']).replace(/ Copyright.*/, ''),
      },
      setup: {
        cpuPlan: options.cpuPlan.description,
        connections,
        durationS,
        warmupS,
        fixedRateConnections: local.fixedRateConnections,
        fixedRateDurationS: fixedDurationS,
        backend: backendDescription,
        gateway: gateway?.description ?? 'not measured (--skip-gateway)',
        gatewayLogLevel: options.logLevel,
        llmMock: mockDescription,
      },
      rows: tableRows,
      fixedRate,
      quota,
      memory,
      ai,
      workers,
      verdicts: verdictsFor(targets, tableRows, fixedRate, quota, memory, ai),
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}
