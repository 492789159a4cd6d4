// Prunes node_modules to the production dependency closure of one workspace (run inside image builds),
// then strips what Node never loads at run time (type declarations, source maps, TypeScript sources, docs,
// packages' own test folders).
// `npm prune --omit=dev --workspace X` keeps packages that another workspace needs at run time (e.g.
// @types/node, a production dependency of infra's SDKs), so it cannot make an image hold only its own
// workspace's production dependencies; `npm ls --omit=dev --parseable` names exactly that closure.
import { execFileSync } from 'node:child_process';
import { lstatSync, readdirSync, rmSync, unlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';

const workspace = process.argv[2];
if (!workspace) {
  console.error('usage: node prune-workspace.mjs <workspace>');
  process.exit(2);
}
const root = process.cwd();
const listed = execFileSync('npm', ['ls', '--workspace', workspace, '--omit=dev', '--all', '--parseable'], {
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
});
const keep = new Set(
  listed
    .split('\n')
    .filter(Boolean)
    .map((line) => resolve(line)),
);
if (keep.size < 2) {
  console.error(`prune-workspace: npm ls listed nothing for ${workspace}; refusing to prune`);
  process.exit(1);
}
const keptInside = (dir) => [...keep].some((path) => path === dir || path.startsWith(`${dir}/`));

let removed = 0;
function prune(modulesDir) {
  let names;
  try {
    names = readdirSync(modulesDir);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const dir = join(modulesDir, name);
    if (name.startsWith('@') && lstatSync(dir).isDirectory()) {
      prune(dir);
      if (readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
      continue;
    }
    if (!keptInside(dir)) {
      rmSync(dir, { recursive: true, force: true });
      removed += 1;
    } else if (!lstatSync(dir).isSymbolicLink()) {
      prune(join(dir, 'node_modules'));
    }
  }
}
const notLoaded = /\.(d\.[cm]?ts|[cm]?ts|map|md|markdown)$/i;
// Inside a package only: at node_modules level a folder named `test` is a package of that name.
const testDirs = new Set(['test', 'tests', '__tests__']);
let stripped = 0;
function strip(dir, inPackage) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || (!inPackage && entry.name.startsWith('@'))) strip(path, false);
      else if (inPackage && testDirs.has(entry.name)) {
        rmSync(path, { recursive: true, force: true });
        stripped += 1;
      } else strip(path, true);
    } else if (inPackage && entry.isFile() && notLoaded.test(entry.name)) {
      unlinkSync(path);
      stripped += 1;
    }
  }
}

for (const dir of [join(root, 'node_modules'), join(root, workspace, 'node_modules')]) {
  prune(dir);
  try {
    strip(dir, false);
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
}
console.log(
  `prune-workspace: kept ${keep.size - 1} packages of ${workspace}, removed ${removed}, stripped ${stripped} files`,
);
