// A compact end-of-test summary: each metric's key values and every threshold with its verdict.

/** The part of k6's handleSummary data this summary reads. */
export interface SummaryData {
  metrics: Record<
    string,
    {
      type: string;
      contains?: string;
      values: Record<string, number>;
      thresholds?: Record<string, { ok: boolean }>;
    }
  >;
  state?: { testRunDurationMs?: number };
}

const shown = ['count', 'rate', 'avg', 'med', 'p(95)', 'p(99)', 'max'];

function formatValue(key: string, value: number, contains?: string): string {
  if (key === 'rate') return `${(value * 100).toFixed(2)}%`;
  if (key === 'count') return String(Math.round(value));
  return contains === 'time' ? `${value.toFixed(2)}ms` : value.toFixed(2);
}

export function summaryText(name: string, data: SummaryData): string {
  const lines = [`${name}: ${((data.state?.testRunDurationMs ?? 0) / 1000).toFixed(1)} s`];
  let failed = 0;
  for (const metricName of Object.keys(data.metrics).sort()) {
    const metric = data.metrics[metricName]!;
    const values = shown
      .filter((key) => metric.values[key] !== undefined)
      .map((key) => `${key}=${formatValue(key, metric.values[key]!, metric.contains)}`)
      .join(' ');
    lines.push(`  ${metricName.padEnd(28)} ${values}`);
    for (const [threshold, result] of Object.entries(metric.thresholds ?? {})) {
      if (!result.ok) failed++;
      lines.push(`    ${result.ok ? 'ok    ' : 'FAILED'} ${threshold}`);
    }
  }
  lines.push(failed ? `${failed} threshold(s) FAILED: the run exits non-zero` : 'all thresholds met');
  return `${lines.join('\n')}\n`;
}
