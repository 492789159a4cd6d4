// Digest rules and the lock-file contract shared with the image pipeline (scripts/images).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { CiImagesConfig } from './config-schema.js';
import { isDigestRef, isImageRef, parseLockFile, readLockFile, resolveCiImageRefs } from './image-refs.js';

const hex = 'a1'.repeat(32);

describe('isDigestRef', () => {
  test.each([
    `gateway@sha256:${hex}`,
    `127.0.0.1:5000/gateway-kit/gateway@sha256:${hex}`,
    `123456789012.dkr.ecr.eu-west-1.amazonaws.com/gateway-kit/llm-mock@sha256:${hex}`,
    `ghcr.io/acme/my__repo/x-y@sha256:${hex}`,
  ])('accepts %s', (ref) => expect(isDigestRef(ref)).toBe(true));

  test.each([
    ['a tag', 'ghcr.io/acme/gateway:latest'],
    ['a tag and a digest', `ghcr.io/acme/gateway:1.0@sha256:${hex}`],
    ['a short digest', 'ghcr.io/acme/gateway@sha256:abc'],
    ['upper-case hex', `ghcr.io/acme/gateway@sha256:${hex.toUpperCase()}`],
    ['another algorithm', `ghcr.io/acme/gateway@sha512:${hex}${hex}`],
    ['upper-case repository', `ghcr.io/Acme/gateway@sha256:${hex}`],
    ['whitespace', ` ghcr.io/acme/gateway@sha256:${hex}`],
  ])('refuses %s', (_label, ref) => expect(isDigestRef(ref)).toBe(false));

  test('isImageRef also accepts tags (for allowMutableTags) but not garbage', () => {
    expect(isImageRef('ghcr.io/acme/gateway:1.2.3')).toBe(true);
    expect(isImageRef('ghcr.io/acme/gateway')).toBe(true);
    expect(isImageRef('not an image')).toBe(false);
  });
});

describe('lock file', () => {
  test('reads only object entries with a string ref; other top-level keys are the CLI’s own', () => {
    const text = JSON.stringify({
      version: 2,
      generatedAt: '2025-01-01T00:00:00Z',
      gateway: { ref: `r/gateway@sha256:${hex}`, hash: 'h', commit: 'c' },
      echo: { hash: 'no ref yet' },
      notes: ['x'],
    });
    expect(parseLockFile(text, 'images.lock.json')).toEqual({ gateway: `r/gateway@sha256:${hex}` });
  });

  test('broken JSON and non-objects are named file errors', () => {
    expect(() => parseLockFile('{', 'images.lock.json')).toThrow(/^images\.lock\.json: is not JSON/);
    expect(() => parseLockFile('[]', 'images.lock.json')).toThrow(
      'images.lock.json: must be a JSON object of image entries',
    );
  });

  test('a missing file is no error (config may name every digest); a present one is read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lock-'));
    expect(readLockFile(join(dir, 'images.lock.json'))).toBeUndefined();
    writeFileSync(join(dir, 'images.lock.json'), JSON.stringify({ echo: { ref: `r/echo@sha256:${hex}` } }));
    expect(readLockFile(join(dir, 'images.lock.json'))).toEqual({ echo: `r/echo@sha256:${hex}` });
  });
});

describe('resolveCiImageRefs', () => {
  const images = (extra: Record<string, unknown> = {}) =>
    ({ mode: 'ci', allowMutableTags: false, lockFile: 'images.lock.json', ...extra }) as CiImagesConfig;
  const resolve = (
    config: CiImagesConfig,
    lock: Record<string, string> | undefined,
    names = ['gateway', 'echo'],
  ) =>
    resolveCiImageRefs({ project: 'gateway-kit', names, images: config, lock, lockPath: 'images.lock.json' });

  test('config wins over the lock file, and the source of each is reported', () => {
    const result = resolve(images({ gateway: `c/gateway@sha256:${hex}` }), {
      gateway: `l/gateway@sha256:${hex}`,
      echo: `l/echo@sha256:${hex}`,
    });
    expect(result.refs).toEqual({ gateway: `c/gateway@sha256:${hex}`, echo: `l/echo@sha256:${hex}` });
    expect(result.sources).toEqual({ gateway: 'config', echo: 'lock' });
    expect(result.warnings).toEqual([]);
  });

  test('a bad ref in the lock file names the file and entry', () => {
    expect(() => resolve(images(), { gateway: 'l/gateway:main', echo: `l/echo@sha256:${hex}` })).toThrow(
      'images.lock.json gateway.ref: "l/gateway:main" is not <repo>@sha256:<64 hex>; pin it by digest or set images.allowMutableTags=true',
    );
  });

  test('a missing image says where digests come from', () => {
    expect(() => resolve(images({ gateway: `c/gateway@sha256:${hex}` }), undefined)).toThrow(
      'gateway-kit:images.echo: no image digest: set it (pulumi config set --path images.echo <repo>@sha256:<digest>) ' +
        'or run `npm run images -- build --push` to write images.lock.json (the file does not exist)',
    );
  });

  test('allowMutableTags lets tags through with a warning, still refusing garbage', () => {
    const config = images({ allowMutableTags: true, gateway: 'c/gateway:1.0' });
    const result = resolve(config, { echo: `l/echo@sha256:${hex}` });
    expect(result.refs.gateway).toBe('c/gateway:1.0');
    expect(result.warnings).toEqual([
      'gateway-kit:images.gateway: deploying mutable tag "c/gateway:1.0" (images.allowMutableTags=true)',
    ]);
    expect(() =>
      resolve(images({ allowMutableTags: true, gateway: 'no way' }), { echo: `l/echo@sha256:${hex}` }),
    ).toThrow('gateway-kit:images.gateway: "no way" is not an image reference');
  });
});
