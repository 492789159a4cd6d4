import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contextHash, type HashInput } from './context-hash.js';
import { ImagesError } from './errors.js';

const DOCKERFILE = [
  'ARG BASE_IMAGE=node:22-bookworm-slim',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile variable, not a template
  'FROM ${BASE_IMAGE}',
  'COPY package.json services/*/package.json ./',
  'COPY app/src app/src',
  'COPY --from=other /x /y',
].join('\n');

let dir: string;

function write(path: string, content: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), content);
}

function input(overrides: Partial<HashInput> = {}, root = dir): HashInput {
  return { context: root, dockerfile: join(root, 'Dockerfile'), buildArgs: {}, platforms: [], ...overrides };
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'context-hash-'));
  write('Dockerfile', DOCKERFILE);
  write('.dockerignore', '**/*.test.ts\n# a comment\ndocs\n**/node_modules\n');
  write('package.json', '{"name":"root"}');
  write('services/a/package.json', '{"name":"a"}');
  write('services/a/src/main.ts', 'export {};');
  write('app/src/main.ts', 'console.log(1);');
  write('app/src/main.test.ts', 'test');
  write('app/src/node_modules/x/index.js', 'x');
  write('docs/readme.md', 'docs');
  write('unused.txt', 'not copied');
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('contextHash', () => {
  it('hashes exactly the files the Dockerfile copies, after .dockerignore', async () => {
    const result = await contextHash(input());
    expect(result.files).toEqual(['app/src/main.ts', 'package.json', 'services/a/package.json']);
    expect(result.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on file modes, times or where the checkout is', async () => {
    const before = await contextHash(input());
    chmodSync(join(dir, 'app/src/main.ts'), 0o600);
    chmodSync(join(dir, 'package.json'), 0o755);
    utimesSync(join(dir, 'services/a/package.json'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    expect((await contextHash(input())).hash).toBe(before.hash);

    const copy = mkdtempSync(join(tmpdir(), 'context-hash-copy-'));
    try {
      cpSync(dir, copy, { recursive: true });
      expect((await contextHash(input({}, copy))).hash).toBe(before.hash);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('ignores changes to files the image does not read: tests, docs, ignored and uncopied files', async () => {
    const before = await contextHash(input());
    write('app/src/main.test.ts', 'changed');
    write('docs/readme.md', 'changed');
    write('unused.txt', 'changed');
    write('services/a/src/main.ts', 'changed');
    write('app/src/node_modules/x/index.js', 'changed');
    expect((await contextHash(input())).hash).toBe(before.hash);
  });

  it('changes with a copied file, a new file in a copied folder, the Dockerfile, a build argument and the platform', async () => {
    const hashes = new Set<string>();
    hashes.add((await contextHash(input())).hash);
    write('app/src/main.ts', 'console.log(2);');
    hashes.add((await contextHash(input())).hash);
    write('app/src/extra.ts', 'export {};');
    hashes.add((await contextHash(input())).hash);
    write('services/b/package.json', '{"name":"b"}');
    hashes.add((await contextHash(input())).hash);
    write('Dockerfile', `${DOCKERFILE}\nUSER node`);
    hashes.add((await contextHash(input())).hash);
    hashes.add((await contextHash(input({ buildArgs: { BASE_IMAGE: 'local/node:1' } }))).hash);
    hashes.add((await contextHash(input({ platforms: ['linux/arm64'] }))).hash);
    expect(hashes.size).toBe(7);
  });

  it('a file renamed with the same content changes the hash (paths are part of it)', async () => {
    const before = await contextHash(input());
    rmSync(join(dir, 'app/src/main.ts'));
    write('app/src/index.ts', 'console.log(1);');
    expect((await contextHash(input())).hash).not.toBe(before.hash);
  });

  it('uses <Dockerfile>.dockerignore over the context one, as BuildKit does', async () => {
    write('Dockerfile.dockerignore', 'app/src/main.ts\n');
    const result = await contextHash(input());
    expect(result.files).toEqual([
      'app/src/main.test.ts',
      'app/src/node_modules/x/index.js',
      'package.json',
      'services/a/package.json',
    ]);
  });

  it('fails, naming the source, when a COPY source matches nothing', async () => {
    rmSync(join(dir, 'app'), { recursive: true });
    await expect(contextHash(input())).rejects.toThrow(
      new ImagesError(
        'DOCKERFILE_INVALID',
        'Dockerfile: source "app/src" matches nothing in the context (missing, or excluded by .dockerignore)',
      ),
    );
  });
});
