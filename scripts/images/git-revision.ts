// The git commit an image's sources come from, for its tags and the lock file.
import { run } from './process.js';

export type Revision = { readonly commit: string; readonly dirty: boolean };

/** HEAD's sha; `unknown` outside a git checkout (e.g. a source tarball), so a build still works there. */
export async function gitHead(cwd: string): Promise<string> {
  const head = await run('git', ['rev-parse', 'HEAD'], { cwd }).catch(() => null);
  return head && head.code === 0 ? head.stdout.trim() : 'unknown';
}

/** Whether any of these files (context-relative to `cwd`) differs from HEAD or is untracked. */
export async function gitDirty(cwd: string, files: readonly string[]): Promise<boolean> {
  if (files.length === 0) return false;
  const status = await run('git', ['status', '--porcelain', '--untracked-files=all', '--', ...files], {
    cwd,
  }).catch(() => null);
  return status?.code !== 0 || status.stdout.trim() !== '';
}

/** The commit as recorded in the lock file: the full sha, `-dirty` when built from uncommitted changes. */
export function revisionLabel(revision: Revision): string {
  return revision.dirty ? `${revision.commit}-dirty` : revision.commit;
}

/** A tag for the commit: `git-<12 hex>`, or `git-<12 hex>-dirty`. */
export function revisionTag(revision: Revision): string {
  const short = revision.commit === 'unknown' ? 'unknown' : revision.commit.slice(0, 12);
  return revision.dirty ? `git-${short}-dirty` : `git-${short}`;
}
