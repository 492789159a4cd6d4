// Turns measured rows into ratios, target verdicts, a JSON report and a compact table.
import type { NoisyNeighbourReport } from './ai-noisy.js';
import type { StreamRow } from './ai-stream.js';
import type { QuotaResult } from './quota-check.js';
import type { Targets } from './targets.js';
import type { LoadResult } from './wrk.js';

export const RowId = {
  direct: 'direct',
  nginx: 'nginx',
  nodeFloor: 'node-floor',
  gatewayNone: 'gateway-none',
  gatewayKeyed: 'gateway-keyed',
  gatewayBadKey: 'gateway-bad-key',
  /** A JWT API (RS256, keys from a JWKS URL, cached): the keyed chain with a token instead of a key. */
  gatewayJwt: 'gateway-jwt',
  /** nginx terminating TLS, then proxying: the anchor of the gateway-tls row. */
  nginxTls: 'nginx-tls',
  /** The keyed API through a gateway listening with TLS_CERT_FILE. */
  gatewayTls: 'gateway-tls',
} as const;
export type RowId = (typeof RowId)[keyof typeof RowId];

export interface Row {
  readonly id: RowId;
  readonly label: string;
  readonly requestsPerSecond: number;
  readonly latencyMs: LoadResult['latencyMs'];
  readonly errors: number;
  readonly requests: number;
  readonly ratioToNginx: number | null;
  /** To the Node floor (node:http + undici Pool, no policy): what the gateway's chain costs beyond Node. */
  readonly ratioToFloor: number | null;
  readonly ratioToDirect: number | null;
}

export interface MeasuredRow {
  readonly id: RowId;
  readonly label: string;
  readonly result: LoadResult;
  /** A row whose every answer should be a 401 (bad key) counts 2xx answers as its errors. */
  readonly expect: 'success' | 'unauthorized';
}

export interface MemoryResult {
  readonly runS: number;
  readonly requests: number;
  readonly rssBeforeMiB: number;
  readonly rssAfterMiB: number;
  readonly growthMiB: number;
  readonly boundMiB: number;
  /** RSS every few seconds during the run. */
  readonly rssSamplesMiB: readonly number[];
  /** V8 heap in use (the gateway's nodejs_heap_size_used_bytes), null if /metrics did not say. */
  readonly heapUsedBeforeMiB: number | null;
  readonly heapUsedAfterMiB: number | null;
  /** At the end: the file-backed part of RSS (the node binary, shared) and PSS (0: not readable). */
  readonly rssFileAfterMiB: number;
  readonly pssAfterMiB: number;
}

export interface AiReport {
  readonly model: string;
  readonly concurrency: number;
  readonly durationS: number;
  readonly mock: { readonly firstTokenMs: number; readonly interTokenMs: number };
  readonly rows: readonly StreamRow[];
  /** Gateway p50 and p95 time to first token minus the direct call's. */
  readonly addedTtftP50Ms: number | null;
  readonly addedTtftP95Ms: number | null;
  /**
   * The gateway's CPU during the streams through it (from /proc): per stream, and in cores busy on average. Near
   * the cores the machine can give it, new streams queue behind the chunks of the others and the added time to
   * first token is that wait, not the relay's own (decision 0029).
   */
  readonly gatewayCpu: { readonly msPerStream: number; readonly coresBusy: number } | null;
  /** The same pair at the k6 scenario's load (its VUs), where the gateway has CPU to spare. */
  readonly light: {
    readonly concurrency: number;
    readonly rows: readonly StreamRow[];
    readonly addedTtftP50Ms: number;
    readonly addedTtftP95Ms: number;
    readonly gatewayCpu: { readonly msPerStream: number; readonly coresBusy: number } | null;
  } | null;
  readonly noisyNeighbour: NoisyNeighbourReport | null;
}

export interface Verdict {
  readonly name: string;
  readonly target: string;
  readonly actual: string;
  readonly met: boolean;
}

export interface BenchReport {
  readonly mode: 'quick' | 'full';
  readonly platform: 'processes' | 'containers';
  readonly startedAt: string;
  readonly machine: Readonly<Record<string, string | number>>;
  readonly setup: Readonly<Record<string, string | number>>;
  readonly rows: readonly Row[];
  readonly fixedRate: {
    readonly ratePerSecond: number;
    readonly rows: readonly Row[];
    readonly addedP99Ms: number | null;
    /** Gateway p99 minus the Node floor's: what the gateway adds over a bare Node proxy (decision 0029). */
    readonly addedP99OverFloorMs: number | null;
  };
  readonly quota: QuotaResult | null;
  readonly memory: MemoryResult | null;
  readonly ai: AiReport | null;
  readonly workers: WorkersReport | null;
  readonly verdicts: readonly Verdict[];
}

/** The gateway with WORKERS=N against nginx with worker_processes N, on the same CPUs. */
export interface WorkersReport {
  readonly workers: number;
  readonly cpuPlan: string;
  readonly rows: readonly Row[];
  /** Gateway keyed (N workers) over nginx proxy (N workers). */
  readonly keyedRatioToNginx: number | null;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

export function errorsOf(row: MeasuredRow): number {
  const { result } = row;
  const unexpected = row.expect === 'success' ? result.non2xx : result.requests - result.non2xx;
  return result.socketErrors + unexpected;
}

/** Adds each row's ratio to the nginx and direct rows of the same table. */
export function toRows(measured: readonly MeasuredRow[]): Row[] {
  const rps = (id: RowId) => measured.find((row) => row.id === id)?.result.requestsPerSecond ?? null;
  const nginx = rps(RowId.nginx);
  const nginxTls = rps(RowId.nginxTls);
  const floor = rps(RowId.nodeFloor);
  const direct = rps(RowId.direct);
  const ratio = (value: number, base: number | null) => (base ? round(value / base, 3) : null);
  return measured.map((row) => ({
    id: row.id,
    label: row.label,
    requestsPerSecond: Math.round(row.result.requestsPerSecond),
    latencyMs: row.result.latencyMs,
    errors: errorsOf(row),
    requests: row.result.requests,
    // A TLS row against nginx doing TLS too: both pay for the encryption.
    ratioToNginx: ratio(row.result.requestsPerSecond, row.id === RowId.gatewayTls ? nginxTls : nginx),
    ratioToFloor: ratio(row.result.requestsPerSecond, floor),
    ratioToDirect: ratio(row.result.requestsPerSecond, direct),
  }));
}

export function verdictsFor(
  targets: Targets,
  rows: readonly Row[],
  fixed: BenchReport['fixedRate'],
  quota: QuotaResult | null,
  memory: MemoryResult | null,
  ai: AiReport | null = null,
): Verdict[] {
  const verdicts: Verdict[] = [];
  const byId = (list: readonly Row[], id: RowId) => list.find((row) => row.id === id);
  const ratioVerdict = (id: RowId, min: number) => {
    const row = byId(rows, id);
    if (row?.ratioToNginx == null) return;
    verdicts.push({
      name: `${id} throughput vs nginx`,
      target: `≥ ${min}`,
      actual: row.ratioToNginx.toFixed(3),
      met: row.ratioToNginx >= min,
    });
  };
  ratioVerdict(RowId.gatewayKeyed, targets.throughput.keyedMinRatioToNginx);
  ratioVerdict(RowId.gatewayTls, targets.throughput.keyedMinRatioToNginx);
  const keyed = byId(rows, RowId.gatewayKeyed);
  const jwt = byId(rows, RowId.gatewayJwt);
  if (keyed && jwt && keyed.requestsPerSecond > 0) {
    const actual = jwt.requestsPerSecond / keyed.requestsPerSecond;
    verdicts.push({
      name: `${RowId.gatewayJwt} throughput vs ${RowId.gatewayKeyed}`,
      target: `≥ ${targets.throughput.jwtMinRatioToKeyed}`,
      actual: actual.toFixed(3),
      met: actual >= targets.throughput.jwtMinRatioToKeyed,
    });
  }
  ratioVerdict(RowId.gatewayNone, targets.throughput.noneMinRatioToNginx);
  const floorVerdict = (id: RowId, min: number) => {
    const row = byId(rows, id);
    if (row?.ratioToFloor == null) return;
    verdicts.push({
      name: `${id} throughput vs the Node floor`,
      target: `≥ ${min}`,
      actual: row.ratioToFloor.toFixed(3),
      met: row.ratioToFloor >= min,
    });
  };
  floorVerdict(RowId.gatewayKeyed, targets.throughput.keyedMinRatioToFloor);
  floorVerdict(RowId.gatewayNone, targets.throughput.noneMinRatioToFloor);
  const proxy = targets.scenarios.proxyThroughput;
  const keyedFixed = byId(fixed.rows, RowId.gatewayKeyed);
  if (keyedFixed) {
    verdicts.push({
      name: `gateway-keyed p99 at ${fixed.ratePerSecond} req/s`,
      target: `≤ ${proxy.thresholds.p99Ms} ms`,
      actual: `${keyedFixed.latencyMs.p99} ms`,
      met: keyedFixed.latencyMs.p99 <= proxy.thresholds.p99Ms,
    });
    const errorRate = keyedFixed.requests ? keyedFixed.errors / keyedFixed.requests : 1;
    verdicts.push({
      name: `gateway-keyed error rate at ${fixed.ratePerSecond} req/s`,
      target: `≤ ${proxy.thresholds.errorRate}`,
      actual: errorRate.toFixed(4),
      met: errorRate <= proxy.thresholds.errorRate,
    });
  }
  if (fixed.addedP99Ms !== null) {
    verdicts.push({
      name: 'gateway-keyed added p99 vs direct',
      target: `≤ ${proxy.addedP99MsMax} ms`,
      actual: `${fixed.addedP99Ms} ms`,
      met: fixed.addedP99Ms <= proxy.addedP99MsMax,
    });
  }
  if (fixed.addedP99OverFloorMs !== null) {
    verdicts.push({
      name: 'gateway-keyed added p99 over the Node floor',
      target: `≤ ${proxy.addedP99MsMax} ms`,
      actual: `${fixed.addedP99OverFloorMs} ms`,
      met: fixed.addedP99OverFloorMs <= proxy.addedP99MsMax,
    });
  }
  if (quota) {
    verdicts.push({
      name: 'quota enforced exactly',
      target: `${quota.quota} × 200, ${quota.sent - quota.quota} × 429, headers on all`,
      actual: `${quota.ok} × 200, ${quota.limited} × 429, ${quota.other} other, RateLimit on ${quota.withRateLimitHeaders}, Retry-After on ${quota.limitedWithRetryAfter}`,
      met: quota.exact,
    });
  }
  const viaGateway = ai?.rows.find((row) => row.id === 'ai-gateway');
  if (viaGateway) {
    const thresholds = targets.scenarios.aiStreaming.thresholds;
    const errorRate = viaGateway.streams ? viaGateway.errors / viaGateway.streams : 1;
    verdicts.push(
      {
        name: 'ai stream time to first token p95',
        target: `≤ ${thresholds.ttfbP95Ms} ms`,
        actual: `${viaGateway.ttftMs.p95} ms`,
        met: viaGateway.ttftMs.p95 <= thresholds.ttfbP95Ms,
      },
      {
        name: 'ai stream tokens/s (median)',
        target: `≥ ${thresholds.tokensPerSecondMin}`,
        actual: String(viaGateway.tokensPerSecond.p50),
        met: viaGateway.tokensPerSecond.p50 >= thresholds.tokensPerSecondMin,
      },
      {
        name: 'ai stream error rate',
        target: `≤ ${thresholds.errorRate}`,
        actual: errorRate.toFixed(4),
        met: errorRate <= thresholds.errorRate,
      },
    );
    const maxAdded = targets.scenarios.aiStreaming.addedTtftP95MsMax;
    if (ai!.addedTtftP95Ms !== null)
      verdicts.push({
        name: 'ai added time to first token p95',
        target: `≤ ${maxAdded} ms`,
        actual: `${ai!.addedTtftP95Ms} ms`,
        met: ai!.addedTtftP95Ms <= maxAdded,
      });
    if (ai!.light)
      verdicts.push({
        name: `ai added time to first token p95 at ${ai!.light.concurrency} streams`,
        target: `≤ ${maxAdded} ms`,
        actual: `${ai!.light.addedTtftP95Ms} ms`,
        met: ai!.light.addedTtftP95Ms <= maxAdded,
      });
    if (ai!.noisyNeighbour)
      verdicts.push({
        name: 'ai noisy neighbour',
        target: `B answered with A's ${ai!.noisyNeighbour.heldStreams} streams all held`,
        actual: ai!.noisyNeighbour.completedWhileHeld ? 'yes' : 'no',
        met: ai!.noisyNeighbour.completedWhileHeld,
      });
  }
  if (memory) {
    verdicts.push({
      name: `gateway RSS growth over ${memory.runS} s`,
      target: `≤ ${memory.boundMiB} MiB`,
      actual: `${memory.growthMiB} MiB (${memory.rssBeforeMiB} → ${memory.rssAfterMiB})`,
      met: memory.growthMiB <= memory.boundMiB,
    });
  }
  return verdicts;
}

/** Fixed-width table: the first column (or, with `leftAligned`, every column) padded right, numbers padded left. */
function table(
  headers: readonly string[],
  lines: readonly (readonly string[])[],
  leftAligned = false,
): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const format = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === 0 || leftAligned ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [format(headers), ...lines.map(format)].join('\n');
}

const fmtRatio = (value: number | null) => (value === null ? '-' : value.toFixed(2));

function rowLines(rows: readonly Row[]): string[][] {
  return rows.map((row) => [
    row.label,
    String(row.requestsPerSecond),
    row.latencyMs.p50.toFixed(2),
    row.latencyMs.p99.toFixed(2),
    row.latencyMs.p999.toFixed(2),
    String(row.errors),
    fmtRatio(row.ratioToNginx),
    fmtRatio(row.ratioToFloor),
    fmtRatio(row.ratioToDirect),
  ]);
}

const rowHeaders = [
  'row',
  'req/s',
  'p50 ms',
  'p99 ms',
  'p99.9 ms',
  'errors',
  'x nginx',
  'x floor',
  'x direct',
];

export function renderReport(report: BenchReport): string {
  const parts = [
    `gateway-kit bench (${report.mode}, ${report.platform}) — ${report.setup.cpuPlan}`,
    '',
    table(rowHeaders, rowLines(report.rows)),
    '',
    `fixed rate ${report.fixedRate.ratePerSecond} req/s (Poisson arrivals):`,
    table(rowHeaders, rowLines(report.fixedRate.rows)),
  ];
  if (report.fixedRate.addedP99Ms !== null)
    parts.push(`gateway-keyed added p99 vs direct: ${report.fixedRate.addedP99Ms} ms`);
  if (report.fixedRate.addedP99OverFloorMs !== null)
    parts.push(`gateway-keyed added p99 over the Node floor: ${report.fixedRate.addedP99OverFloorMs} ms`);
  if (report.workers) {
    const w = report.workers;
    parts.push(
      '',
      `every core: ${w.workers} workers each — ${w.cpuPlan}:`,
      table(rowHeaders, rowLines(w.rows)),
      `gateway keyed (WORKERS=${w.workers}) vs nginx (worker_processes ${w.workers}): ${fmtRatio(w.keyedRatioToNginx)}`,
    );
  }
  if (report.ai) {
    const { ai } = report;
    parts.push(
      '',
      `ai streaming: ${ai.concurrency} concurrent streams of model ${ai.model} for ${ai.durationS} s (llm-mock: first token after ${ai.mock.firstTokenMs} ms, then ${ai.mock.interTokenMs} ms a token):`,
      table(
        ['row', 'streams', 'errors', 'ttft p50', 'ttft p95', 'ttft p99', 'tok/s p50', 'tok/s p5', 'tokens'],
        ai.rows.map((row) => [
          row.label,
          String(row.streams),
          String(row.errors),
          row.ttftMs.p50.toFixed(2),
          row.ttftMs.p95.toFixed(2),
          row.ttftMs.p99.toFixed(2),
          row.tokensPerSecond.p50.toFixed(1),
          row.tokensPerSecond.p5.toFixed(1),
          String(row.meanCompletionTokens),
        ]),
      ),
    );
    if (ai.addedTtftP95Ms !== null)
      parts.push(
        `gateway added time to first token: p50 ${ai.addedTtftP50Ms} ms, p95 ${ai.addedTtftP95Ms} ms`,
      );
    if (ai.gatewayCpu)
      parts.push(
        `gateway CPU while relaying: ${ai.gatewayCpu.msPerStream} ms per stream, ${ai.gatewayCpu.coresBusy} cores busy on average`,
      );
    if (ai.light)
      parts.push(
        `at ${ai.light.concurrency} streams: ttft p95 direct ${ai.light.rows[0]?.ttftMs.p95.toFixed(2)} ms, ` +
          `through the gateway ${ai.light.rows[1]?.ttftMs.p95.toFixed(2)} ms; ` +
          `gateway added time to first token: p50 ${ai.light.addedTtftP50Ms} ms, p95 ${ai.light.addedTtftP95Ms} ms` +
          (ai.light.gatewayCpu ? `; ${ai.light.gatewayCpu.coresBusy} cores busy` : ''),
      );
    const nn = ai.noisyNeighbour;
    if (nn)
      parts.push(
        `noisy neighbour: tenant B's call (own provider, same origin) alone p50 ${nn.aloneMs.p50} / p95 ${nn.aloneMs.p95} ms; ` +
          `with ${nn.heldStreams} of tenant A's streams held open p50 ${nn.withHeldMs.p50} / p95 ${nn.withHeldMs.p95} ms ` +
          `(${nn.calls} calls each; completed while all held: ${nn.completedWhileHeld ? 'yes' : 'NO'})`,
      );
  }
  if (report.memory) {
    const { memory } = report;
    const series = [memory.rssBeforeMiB, ...memory.rssSamplesMiB, memory.rssAfterMiB].join(' → ');
    const heap =
      memory.heapUsedBeforeMiB === null
        ? ''
        : `; V8 heap used ${memory.heapUsedBeforeMiB} → ${memory.heapUsedAfterMiB} MiB`;
    parts.push(`gateway RSS over ${memory.runS} s (MiB): ${series}${heap}`);
    parts.push(
      `of the last RSS: ${memory.rssFileAfterMiB} MiB file-backed (the node binary, shared between workers); PSS ${memory.pssAfterMiB} MiB`,
    );
  }
  if (report.verdicts.length) {
    parts.push(
      '',
      table(
        ['target', 'wanted', 'measured', ''],
        report.verdicts.map((v) => [v.name, v.target, v.actual, v.met ? 'met' : 'MISSED']),
        true,
      ),
    );
  }
  const load = Number(report.machine.loadAverage1m);
  const cpus = Number(report.machine.cpus);
  if (load > cpus / 2) {
    parts.push(
      '',
      `warning: the 1-minute load average was ${load.toFixed(2)} on ${cpus} CPUs when the run started: other processes competed for the CPUs, so these figures understate what this machine does when idle`,
    );
  }
  return parts.join('\n');
}
