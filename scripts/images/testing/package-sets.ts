// Test fixture: which packages an image holds, and which a workspace needs at run time or only to develop.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../process.js';

const REPO = join(import.meta.dirname, '..', '..', '..');

// Package names (from each package.json) under the app's node_modules trees, nested ones included.
export const LIST_PACKAGES = `
const fs = require('node:fs'), path = require('node:path'); const names = new Set();
function walk(dir) { let entries; try { entries = fs.readdirSync(dir); } catch { return; }
  for (const e of entries) { if (e.startsWith('.')) continue; const p = path.join(dir, e);
    if (e.startsWith('@')) { walk(p); continue; }
    try { names.add(JSON.parse(fs.readFileSync(path.join(p, 'package.json'), 'utf8')).name); } catch {}
    walk(path.join(p, 'node_modules')); } }
walk('/app/node_modules'); walk('/app/gateway/node_modules'); console.log([...names].join('\\n'));`;

/** The workspace's production dependency closure, as npm resolves it from the lock file. */
export async function productionDependencies(workspace: string): Promise<Set<string>> {
  const result = await run('npm', ['ls', '--workspace', workspace, '--omit=dev', '--all', '--json'], {
    cwd: REPO,
  });
  type Node = { version?: string; dependencies?: Record<string, Node> };
  const names = new Set<string>();
  const visit = (node: Node) => {
    for (const [name, child] of Object.entries(node.dependencies ?? {})) {
      // An optional peer that is not installed (pg-native) is listed without a version.
      if (!child.version) continue;
      names.add(name);
      visit(child);
    }
  };
  const tree = JSON.parse(result.stdout) as { dependencies: Record<string, Node> };
  for (const child of Object.values(tree.dependencies)) visit(child);
  return names;
}

export async function devDependencyNames(workspace: string): Promise<string[]> {
  const read = (path: string) =>
    JSON.parse(readFileSync(path, 'utf8')) as { devDependencies?: Record<string, string> };
  return [
    ...Object.keys(read(join(REPO, 'package.json')).devDependencies ?? {}),
    ...Object.keys(read(join(REPO, workspace, 'package.json')).devDependencies ?? {}),
  ];
}
