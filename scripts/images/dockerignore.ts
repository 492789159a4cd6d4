// Loads the .dockerignore that applies to a build, with Docker's own matching rules.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

// The package is CommonJS with `module.exports = factory` but types it as a default export.
type IgnoreFactory = typeof import('@balena/dockerignore').default;
const createIgnore = createRequire(import.meta.url)('@balena/dockerignore') as IgnoreFactory;

export type DockerIgnore = {
  ignores(path: string): boolean;
  /** Whether an exception (`!pattern`) could bring back something under an excluded directory. */
  mayReinclude(dir: string): boolean;
  readonly hasExceptions: boolean;
  /** The file the patterns came from, if any. */
  readonly source: string | null;
};

/**
 * BuildKit reads `<Dockerfile>.dockerignore` beside the Dockerfile when it exists, and the context's
 * `.dockerignore` otherwise.
 */
export function loadDockerignore(context: string, dockerfile: string): DockerIgnore {
  const candidates = [`${dockerfile}.dockerignore`, join(context, '.dockerignore')];
  const source = candidates.find((path) => existsSync(path)) ?? null;
  const lines = source ? readFileSync(source, 'utf8').split(/\r?\n/) : [];
  return dockerignoreFromLines(lines, source);
}

export function dockerignoreFromLines(lines: readonly string[], source: string | null = null): DockerIgnore {
  const patterns = lines.map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  const matcher = createIgnore().add(patterns);
  const exceptions = patterns
    .filter((pattern) => pattern.startsWith('!'))
    .map((p) => p.slice(1).replace(/^\//, ''));
  return {
    ignores: (path) => matcher.ignores(path),
    mayReinclude: (dir) =>
      exceptions.some((pattern) => /[*?[]/.test(pattern) || pattern.startsWith(`${dir}/`)),
    hasExceptions: exceptions.length > 0,
    source,
  };
}
