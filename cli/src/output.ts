// Renders command results as a table (for people), JSON or YAML (for scripts).
import { stringify } from 'yaml';

export const outputFormats = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof outputFormats)[number];

/** Columns shown in table mode, per kind of object; JSON and YAML always carry every field. */
export type Columns = readonly string[];

export function render(data: unknown, format: OutputFormat, columns?: Columns): string {
  if (format === 'json') return `${JSON.stringify(data, null, 2)}\n`;
  if (format === 'yaml') return stringify(data);
  const rows = Array.isArray(data) ? data : [data];
  if (rows.length === 0) return 'nothing found\n';
  const cols = columns ?? Object.keys(rows[0] as object);
  return table(
    cols,
    rows.map((r) => cols.map((c) => cell((r as Record<string, unknown>)[c]))),
  );
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '-';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function table(head: readonly string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return `${[line(head.map((h) => h.toUpperCase())), ...rows.map(line)].join('\n')}\n`;
}
