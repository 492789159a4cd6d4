// Unit tests of the benchmark's pure parts: targets, flags, CPU plan, wrk parsing, rows, verdicts, image refs.
import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from './args.js';
import { BenchError } from './bench-error.js';
import { imageCandidates } from './containers.js';
import { planCpus, planWorkersCpus } from './cpu-plan.js';
import { heapUsedFromMetrics } from './memory.js';
import { type MeasuredRow, renderReport, toRows, verdictsFor } from './report.js';
import { loadTargets, parseTargets } from './targets.js';
import { type LoadResult, parseWrkOutput } from './wrk.js';

const wrkLine =
  'BENCH_RESULT {"requests":20000,"durationUs":2000000,"bytes":123,' +
  '"errors":{"connect":1,"read":2,"write":0,"status":5,"timeout":3},' +
  '"latencyUs":{"min":40,"mean":250.5,"p50":200,"p90":400,"p99":1500,"p999":4000,"max":9000}}';

function result(requestsPerSecond: number, non2xx = 0, requests = requestsPerSecond): LoadResult {
  return {
    requests,
    durationS: 1,
    requestsPerSecond,
    socketErrors: 0,
    non2xx,
    latencyMs: { p50: 1, p90: 2, p99: 3, p999: 4, max: 5 },
  };
}

describe('targets.json', () => {
  it('parses, and the k6 and bench sides share one proxy rate', () => {
    const targets = loadTargets();
    expect(targets.throughput).toEqual({
      keyedMinRatioToNginx: 0.3,
      noneMinRatioToNginx: 0.3,
      keyedMinRatioToFloor: 0.7,
      noneMinRatioToFloor: 0.8,
      jwtMinRatioToKeyed: 0.9,
    });
    expect(targets.scenarios.proxyThroughput.addedP99MsMax).toBe(1);
    expect(targets.scenarios.proxyThroughput.ratePerSecond).toBe(1000);
    expect(Object.isFrozen(targets)).toBe(true);
  });

  it('rejects an unknown key with a line naming it', () => {
    const raw = structuredClone(loadTargets()) as unknown as { local: Record<string, unknown> };
    raw.local.conections = 3;
    expect(() => parseTargets(raw)).toThrow('targets.json: local: Unrecognized key: "conections"');
  });

  it('rejects a ratio above 1', () => {
    const raw = structuredClone(loadTargets()) as unknown as { throughput: Record<string, unknown> };
    raw.throughput.keyedMinRatioToNginx = 2;
    expect(() => parseTargets(raw)).toThrow(/^targets\.json: throughput\.keyedMinRatioToNginx: /);
  });
});

describe('parseBenchArgs', () => {
  it('defaults to a full, pinned, dist run and quick to tsx', () => {
    expect(parseBenchArgs([])).toMatchObject({
      quick: false,
      pin: true,
      runtime: 'dist',
      containers: false,
      workers: 2,
    });
    expect(parseBenchArgs(['--workers', '0']).workers).toBe(0);
    expect(parseBenchArgs(['--quick', '--no-pin'])).toMatchObject({
      quick: true,
      pin: false,
      runtime: 'tsx',
    });
  });

  it('rejects unknown flags and bad values', () => {
    expect(() => parseBenchArgs(['--fast'])).toThrow(BenchError);
    expect(() => parseBenchArgs(['--fast'])).toThrow(/Unknown option '--fast'/);
    expect(() => parseBenchArgs(['--runtime', 'bun'])).toThrow('--runtime must be dist or tsx, got bun');
    expect(() => parseBenchArgs(['--containers', '--skip-gateway'])).toThrow(/drop --skip-gateway/);
    expect(() => parseBenchArgs(['--workers', '1'])).toThrow('--workers must be 0 (skip) or 2 to 64, got 1');
  });
});

describe('planWorkersCpus', () => {
  it('pins only when the workers get CPUs of their own beside the generator', () => {
    expect(planWorkersCpus(2, true, true, 2)).toEqual({
      generator: [],
      servers: [],
      serverCpus: null,
      description: 'not pinned: 2 CPUs: wrk (1 thread) shares them with the servers',
    });
    expect(planWorkersCpus(4, true, true, 2)).toEqual({
      generator: ['taskset', '-c', '3'],
      servers: ['taskset', '-c', '1-2'],
      serverCpus: '1-2',
      description: 'load generator on CPU 3, servers on CPUs 1-2',
    });
  });
});

describe('planCpus', () => {
  it('gives the generator the last CPU and the servers the rest', () => {
    expect(planCpus(2, true, true)).toEqual({
      generator: ['taskset', '-c', '1'],
      servers: ['taskset', '-c', '0'],
      serverCpus: '0',
      description: 'load generator on CPU 1, servers on CPU 0',
    });
    expect(planCpus(8, true, true).servers).toEqual(['taskset', '-c', '0-6']);
  });

  it('does not pin when it cannot or is told not to', () => {
    expect(planCpus(1, true, true).description).toBe('not pinned: only one CPU');
    expect(planCpus(4, false, true).description).toBe('not pinned: taskset not found');
    expect(planCpus(4, true, false)).toEqual({
      generator: [],
      servers: [],
      serverCpus: null,
      description: 'not pinned: disabled (--no-pin)',
    });
  });
});

describe('parseWrkOutput', () => {
  it('reads the result line into rates, errors and millisecond latencies', () => {
    expect(parseWrkOutput(`Running 2s test\n${wrkLine}\n`)).toEqual({
      requests: 20000,
      durationS: 2,
      requestsPerSecond: 10000,
      socketErrors: 6,
      non2xx: 5,
      latencyMs: { p50: 0.2, p90: 0.4, p99: 1.5, p999: 4, max: 9 },
    });
  });

  it('fails clearly without a result line or with a malformed one', () => {
    expect(() => parseWrkOutput('unable to connect to 127.0.0.1:1 Connection refused')).toThrow(
      /wrk printed no result line: unable to connect/,
    );
    expect(() => parseWrkOutput('BENCH_RESULT {"requests":-1}')).toThrow();
    const none = wrkLine.replace('"requests":20000', '"requests":0');
    expect(() => parseWrkOutput(none)).toThrow(
      'wrk completed no request (connect 1, read 2, write 0, timeout 3 errors)',
    );
  });
});

describe('rows and verdicts', () => {
  const measured: MeasuredRow[] = [
    { id: 'direct', label: 'direct', result: result(40000), expect: 'success' },
    { id: 'nginx', label: 'nginx', result: result(20000), expect: 'success' },
    { id: 'node-floor', label: 'floor', result: result(10000), expect: 'success' },
    { id: 'gateway-keyed', label: 'keyed', result: result(6000, 2), expect: 'success' },
    { id: 'gateway-bad-key', label: 'bad key', result: result(9000, 8999), expect: 'unauthorized' },
  ];

  it('computes ratios to nginx, the Node floor and direct and counts unexpected answers as errors', () => {
    const rows = toRows(measured);
    const ratios = rows.map((row) => [
      row.id,
      row.ratioToNginx,
      row.ratioToFloor,
      row.ratioToDirect,
      row.errors,
    ]);
    expect(ratios).toEqual([
      ['direct', 2, 4, 1, 0],
      ['nginx', 1, 2, 0.5, 0],
      ['node-floor', 0.5, 1, 0.25, 0],
      ['gateway-keyed', 0.3, 0.6, 0.15, 2],
      // 8,999 of 9,000 were non-2xx: the one 2xx is the error of a bad-key row.
      ['gateway-bad-key', 0.45, 0.9, 0.225, 1],
    ]);
  });

  it('judges each target of targets.json and renders MISSED where missed', () => {
    const targets = loadTargets();
    const rows = toRows(measured);
    const fixedRows = toRows([
      { id: 'direct', label: 'direct', result: result(1000), expect: 'success' },
      {
        id: 'gateway-keyed',
        label: 'keyed',
        result: { ...result(1000), latencyMs: { p50: 1, p90: 2, p99: 9, p999: 12, max: 20 } },
        expect: 'success',
      },
    ]);
    const fixed = { ratePerSecond: 1000, rows: fixedRows, addedP99Ms: 6, addedP99OverFloorMs: 0.8 };
    const memory = {
      runS: 60,
      requests: 1,
      rssBeforeMiB: 80,
      rssAfterMiB: 100,
      growthMiB: 20,
      boundMiB: 64,
      rssSamplesMiB: [85, 95.5],
      heapUsedBeforeMiB: 30,
      heapUsedAfterMiB: 31.5,
      rssFileAfterMiB: 48,
      pssAfterMiB: 60,
    };
    const stream = (id: 'ai-direct' | 'ai-gateway', ttftP95: number, rate: number, errors: number) => ({
      id,
      label: id,
      streams: 100,
      errors,
      ttftMs: { p50: 1, p95: ttftP95, p99: ttftP95 + 1 },
      tokensPerSecond: { p5: rate - 10, p50: rate },
      meanCompletionTokens: 41,
    });
    const ai = {
      model: 'mock-gpt',
      concurrency: 10,
      durationS: 10,
      mock: { firstTokenMs: 20, interTokenMs: 5 },
      rows: [stream('ai-direct', 22, 190, 0), stream('ai-gateway', 600, 185, 2)],
      addedTtftP50Ms: 1,
      addedTtftP95Ms: 578,
      gatewayCpu: { msPerStream: 2.1, coresBusy: 0.9 },
      light: {
        concurrency: 10,
        rows: [stream('ai-direct', 22, 190, 0), stream('ai-gateway', 25, 188, 0)],
        addedTtftP50Ms: 1,
        addedTtftP95Ms: 3,
        gatewayCpu: null,
      },
      noisyNeighbour: {
        heldStreams: 150,
        calls: 50,
        aloneMs: { p50: 2, p95: 3 },
        withHeldMs: { p50: 2.5, p95: 4 },
        completedWhileHeld: true,
      },
    };
    const verdicts = verdictsFor(targets, rows, fixed, null, memory, ai);
    expect(verdicts.map((v) => [v.name, v.met])).toEqual([
      ['gateway-keyed throughput vs nginx', true],
      // 6,000 against a floor of 10,000: 0.6, under the 0.7 wanted.
      ['gateway-keyed throughput vs the Node floor', false],
      ['gateway-keyed p99 at 1000 req/s', true],
      ['gateway-keyed error rate at 1000 req/s', true],
      ['gateway-keyed added p99 vs direct', false],
      ['gateway-keyed added p99 over the Node floor', true],
      ['ai stream time to first token p95', false],
      ['ai stream tokens/s (median)', true],
      // 2 of 100 streams failed: over the 1 % budget.
      ['ai stream error rate', false],
      ['ai added time to first token p95', false],
      // At the k6 scenario's 10 streams the gateway adds 3 ms: within the 10 ms.
      ['ai added time to first token p95 at 10 streams', true],
      ['ai noisy neighbour', true],
      ['gateway RSS growth over 60 s', true],
    ]);
    const text = renderReport({
      mode: 'full',
      platform: 'processes',
      startedAt: 'now',
      machine: {},
      setup: { cpuPlan: 'not pinned' },
      rows,
      fixedRate: fixed,
      quota: null,
      memory,
      ai,
      workers: {
        workers: 2,
        cpuPlan: 'not pinned: 2 CPUs: wrk (1 thread) shares them with the servers',
        rows: toRows([
          { id: 'nginx', label: 'nginx proxy, 2 workers', result: result(30000), expect: 'success' },
          {
            id: 'gateway-keyed',
            label: 'gateway keyed, WORKERS=2',
            result: result(12000),
            expect: 'success',
          },
        ]),
        keyedRatioToNginx: 0.4,
      },
      verdicts,
    });
    expect(text).toMatch(/^keyed +6000 +1\.00 +3\.00 +4\.00 +2 +0\.30 +0\.60 +0\.15$/m);
    expect(text).toMatch(/^gateway-keyed added p99 vs direct +≤ 1 ms +6 ms +MISSED$/m);
    expect(text).toContain('every core: 2 workers each — not pinned: 2 CPUs: wrk (1 thread) shares them');
    expect(text).toMatch(/^gateway keyed, WORKERS=2 +12000 +1\.00 +3\.00 +4\.00 +0 +0\.40 +- +-$/m);
    expect(text).toContain('gateway keyed (WORKERS=2) vs nginx (worker_processes 2): 0.40');
    expect(text).toContain('gateway RSS over 60 s (MiB): 80 → 85 → 95.5 → 100; V8 heap used 30 → 31.5 MiB');
    expect(text).toMatch(/^ai-gateway +100 +2 +1\.00 +600\.00 +601\.00 +185\.0 +175\.0 +41$/m);
    expect(text).toContain('gateway added time to first token: p50 1 ms, p95 578 ms');
    expect(text).toContain(
      "noisy neighbour: tenant B's call (own provider, same origin) alone p50 2 / p95 3 ms; with 150 of tenant A's streams held open p50 2.5 / p95 4 ms (50 calls each; completed while all held: yes)",
    );
    expect(text).not.toContain('warning:');
    const busy = renderReport({
      mode: 'full',
      platform: 'processes',
      startedAt: 'now',
      machine: { cpus: 2, loadAverage1m: 3 },
      setup: { cpuPlan: 'not pinned' },
      rows,
      fixedRate: fixed,
      quota: null,
      memory: null,
      ai: null,
      workers: null,
      verdicts: [],
    });
    expect(busy).toContain('warning: the 1-minute load average was 3.00 on 2 CPUs when the run started');
  });
});

describe('heapUsedFromMetrics', () => {
  it("reads prom-client's heap gauge, labelled or not", () => {
    const page = '# HELP x\nnodejs_heap_size_total_bytes 9\nnodejs_heap_size_used_bytes 12345678\n';
    expect(heapUsedFromMetrics(page)).toBe(12345678);
    expect(heapUsedFromMetrics('nodejs_heap_size_used_bytes{app="gw"} 1.5e+7\n')).toBe(15000000);
    expect(heapUsedFromMetrics('gateway_requests_total 3\n')).toBeNull();
  });
});

describe('imageCandidates', () => {
  const manifest = { images: [{ name: 'gateway', repository: 'gateway-kit/gateway' }] };

  it("prefers an override, then the lock file, then this commit's pipeline tags, then latest", () => {
    expect(imageCandidates('gateway', manifest, null, 'mine:1', 'abc')).toEqual(['mine:1']);
    expect(imageCandidates('gateway', manifest, { gateway: 'r/g@sha256:ab' })).toEqual([
      'r/g@sha256:ab',
      'gateway-kit/gateway:latest',
    ]);
    const lock = { gateway: { ref: 'r/g@sha256:cd', repository: 'r/g', tags: ['ch-1', 'git-2'] } };
    expect(imageCandidates('gateway', manifest, lock, undefined, '0123456789abcdef')).toEqual([
      'r/g@sha256:cd',
      'r/g:ch-1',
      'r/g:git-2',
      'gateway-kit/gateway:git-0123456789ab',
      'gateway-kit/gateway:git-0123456789ab-dirty',
      'gateway-kit/gateway:latest',
    ]);
    expect(imageCandidates('echo', manifest, null)).toEqual([]);
    expect(imageCandidates('gateway', manifest, null, undefined, undefined, '127.0.0.1:5000')).toEqual([
      '127.0.0.1:5000/gateway-kit/gateway:latest',
      'gateway-kit/gateway:latest',
    ]);
  });
});
