// Reads a V8 .cpuprofile (node --cpu-prof) and ranks where the time went: self time per function and per
// source file, so a run of `npm run bench -- --cpu-prof DIR` ends with the evidence a change is chosen from.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface Hotspot {
  readonly name: string;
  readonly selfMs: number;
  readonly percent: number;
}

export interface ProfileSummary {
  readonly file: string;
  readonly totalMs: number;
  readonly functions: readonly Hotspot[];
  readonly files: readonly Hotspot[];
}

/** Where a frame comes from, short: `gateway/src/x.ts`, `node:internal/…`, `undici/lib/…`. */
function shortUrl(url: string): string {
  if (!url) return '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm !== -1) return url.slice(nm + 'node_modules/'.length);
  const gw = url.indexOf('gateway/');
  return gw !== -1 ? url.slice(gw) : url.replace(/^file:\/\//, '');
}

function rank(totals: Map<string, number>, totalMs: number, top: number): Hotspot[] {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({
      name,
      selfMs: Math.round(us / 100) / 10,
      percent: Math.round((us / 1000 / totalMs) * 1000) / 10,
    }));
}

export function summarizeProfile(file: string, profile: CpuProfile, top = 20): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const perFunction = new Map<string, number>();
  const perFile = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const frame = byId.get(id)?.callFrame;
    if (!frame || frame.functionName === '(idle)' || frame.functionName === '(program)') return;
    total += us;
    const where = shortUrl(frame.url);
    const fn = `${frame.functionName || '(anonymous)'} ${where}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    perFunction.set(fn, (perFunction.get(fn) ?? 0) + us);
    perFile.set(where, (perFile.get(where) ?? 0) + us);
  });
  const totalMs = total / 1000;
  return {
    file,
    totalMs: Math.round(totalMs),
    functions: rank(perFunction, totalMs, top),
    files: rank(perFile, totalMs, top),
  };
}

/**
 * The newest main-thread profile in `dir`, summarized (null when the process wrote none). Every thread writes
 * its own file, CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; thread 0 is the one serving calls.
 */
export async function summarizeNewestProfile(dir: string, top = 20): Promise<ProfileSummary | null> {
  const files = (await readdir(dir)).filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f)).sort();
  const newest = files.at(-1);
  if (!newest) return null;
  const profile = JSON.parse(await readFile(join(dir, newest), 'utf8')) as CpuProfile;
  return summarizeProfile(join(dir, newest), profile, top);
}

export function renderProfile(s: ProfileSummary): string {
  const lines = (list: readonly Hotspot[]) =>
    list.map(
      (h) => `${h.percent.toFixed(1).padStart(5)} %  ${h.selfMs.toFixed(1).padStart(8)} ms  ${h.name}`,
    );
  return [
    `cpu profile of the gateway (${s.file}): ${s.totalMs} ms busy, self time`,
    'by function:',
    ...lines(s.functions),
    'by file:',
    ...lines(s.files),
  ].join('\n');
}
