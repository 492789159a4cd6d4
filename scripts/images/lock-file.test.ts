import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ImagesError } from './errors.js';
import { type LockEntry, readLock, writeLock } from './lock-file.js';

const digest = `sha256:${'1'.repeat(64)}`;
const entry = (repository: string): LockEntry => ({
  ref: `${repository}@${digest}`,
  repository,
  digest,
  hash: 'f'.repeat(64),
  commit: 'a'.repeat(40),
  tags: ['ch-ffffffffffffffffffffffff', 'git-aaaaaaaaaaaa'],
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('lock file', () => {
  it('round-trips with sorted image names and a trailing newline', () => {
    const path = join(dir, 'images.lock.json');
    writeLock(path, { images: { llm: entry('r:5000/kit/llm'), echo: entry('r:5000/kit/echo') } });
    const text = readFileSync(path, 'utf8');
    // Top level name → entry with `ref`: the shape infra/image-refs.ts reads.
    expect(Object.keys(JSON.parse(text))).toEqual(['echo', 'llm']);
    expect(JSON.parse(text).echo.ref).toBe(`r:5000/kit/echo@${digest}`);
    expect(text.endsWith('}\n')).toBe(true);
    expect(readLock(path)).toEqual({
      images: { echo: entry('r:5000/kit/echo'), llm: entry('r:5000/kit/llm') },
    });
  });

  it('is empty when missing, unless required', () => {
    expect(readLock(join(dir, 'none.json'))).toEqual({ images: {} });
    expect(() => readLock(join(dir, 'none.json'), true)).toThrow(
      new ImagesError('LOCK_INVALID', `${join(dir, 'none.json')} does not exist; run images build --push`),
    );
  });

  it('rejects a mutable reference, unknown fields and a ref that disagrees with its digest', () => {
    const path = join(dir, 'images.lock.json');
    writeFileSync(path, JSON.stringify({ echo: { ...entry('r/e'), ref: 'r/e:latest' } }));
    expect(() => readLock(path)).toThrow(`${path}: echo.ref: not a digest-pinned reference`);
    writeFileSync(path, JSON.stringify({ echo: { ...entry('r/e'), extra: 1 } }));
    expect(() => readLock(path)).toThrow(/: echo: Unrecognized key/);
    writeFileSync(path, JSON.stringify({ echo: { ...entry('r/e'), ref: `r/other@${digest}` } }));
    expect(() => readLock(path)).toThrow(`${path}: echo.ref does not match repository and digest`);
  });
});
