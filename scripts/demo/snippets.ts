// Test support: the shell and TypeScript snippets of the README and docs/ai.md, and a runner that plays
// them verbatim in a network namespace of their own (so their fixed ports 8080, 9000, 9100 are free).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './testing.js';

export interface Snippet {
  readonly file: string;
  /** The `<!-- snippet: name -->` comment above the block, or null when there is none. */
  readonly name: string | null;
  readonly lang: string;
  readonly code: string;
}

export function snippetsOf(file: string): Snippet[] {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  return [...text.matchAll(/(?:<!-- snippet: ([\w-]+) -->\n)?```(\w*)\n([\s\S]*?)```/g)].map((m) => ({
    file,
    name: m[1] ?? null,
    lang: m[2]!,
    code: m[3]!,
  }));
}

export function snippet(file: string, name: string): string {
  const found = snippetsOf(file).find((s) => s.name === name);
  if (!found) throw new Error(`${file} has no snippet ${name}`);
  return found.code;
}

/** TypeScript snippets go where `openai` and tsx resolve: under the checkout's node_modules. */
export function tsFile(file: string, name: string): string {
  const dir = join(repoRoot, 'node_modules', '.cache', 'gateway-kit', 'snippets');
  mkdirSync(dir, { recursive: true });
  // .mts: an ES module even here, where no package.json says "type": "module".
  const path = join(mkdtempSync(join(dir, `${name}-`)), `${name}.mts`);
  writeFileSync(path, snippet(file, name));
  return path;
}

/** The script's output split at its `::: part` lines. */
export type Parts = Record<string, string>;

/**
 * Runs `script` with bash from the checkout in a fresh network namespace, and ends every process it left
 * (its process group) when it is done. Resolves with the exit code and the output by part.
 */
export async function runIsolated(
  script: string,
  timeoutMs: number,
): Promise<{ code: number | null; parts: Parts }> {
  const child = spawn('unshare', ['-rn', 'bash', '-c', `ip link set lo up\n${script}`], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), timeoutMs);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    // nothing left
  }
  const parts: Parts = {};
  let current = 'start';
  for (const line of out.split('\n')) {
    const marker = /^::: (\S+)$/.exec(line);
    if (marker) current = marker[1]!;
    else parts[current] = `${parts[current] ?? ''}${line}\n`;
  }
  // Each marker came after an extra line break (see the markers' `echo;`): drop it.
  for (const name of Object.keys(parts)) parts[name] = parts[name]!.replace(/\n$/, '');
  return { code, parts };
}
