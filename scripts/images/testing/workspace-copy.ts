// Test fixture: a throwaway copy of the repository's build inputs, in its own git repository, so tests can
// touch files and rebuild without disturbing the working tree (or other people working in it).
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../process.js';

const REPO = join(import.meta.dirname, '..', '..', '..');
const COPIED = [
  'package.json',
  'package-lock.json',
  '.npmrc',
  'tsconfig.base.json',
  '.dockerignore',
  'Dockerfile.gateway',
  'gateway',
  'console',
  'services',
  'scripts/images/prune-workspace.mjs',
  'docs',
];
const SKIPPED = /(^|\/)(node_modules|dist|data|coverage)(\/|$)/;

export type WorkspaceCopy = { readonly root: string; readonly manifest: string; readonly namespace: string };

/** Copies the build inputs and writes a manifest whose repositories live under a fresh `namespace`. */
export async function copyWorkspace(): Promise<WorkspaceCopy> {
  const root = mkdtempSync(join(tmpdir(), 'images-it-'));
  for (const path of COPIED) {
    cpSync(join(REPO, path), join(root, path), {
      recursive: true,
      filter: (source) => !SKIPPED.test(source.slice(REPO.length)),
    });
  }
  const namespace = `it-${Date.now().toString(36)}-${process.pid}`;
  const manifest = JSON.parse(readFileSync(join(REPO, 'images.manifest.json'), 'utf8')) as {
    images: { repository: string }[];
  };
  for (const image of manifest.images) image.repository = `${namespace}/${image.repository}`;
  writeFileSync(join(root, 'images.manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await git(root, 'init', '-q');
  await git(root, 'add', '-A');
  await git(
    root,
    '-c',
    'user.name=test',
    '-c',
    'user.email=test@example.invalid',
    'commit',
    '-q',
    '-m',
    'snapshot',
  );
  return { root, manifest: join(root, 'images.manifest.json'), namespace };
}

export async function git(cwd: string, ...args: string[]): Promise<string> {
  const result = await run('git', args, { cwd });
  if (result.code !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout.trim();
}
