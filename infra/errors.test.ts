// Keeps the error catalogue and its documentation (docs/deploy.md, "Errors") in step.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { InfraError, InfraErrorCode } from './errors.js';
import { repoRoot } from './image-manifest.js';

test('every error code is documented, and every documented code exists', () => {
  const doc = readFileSync(join(repoRoot, 'docs/deploy.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Errors'), doc.indexOf('\n## ', doc.indexOf('## Errors') + 1));
  const documented = [...section.matchAll(/^\| `([A-Z_]+)` +\|/gm)].map((m) => m[1]);
  expect(documented.sort()).toEqual(Object.values(InfraErrorCode).sort());
});

test('an InfraError reads as "<key>: <problem>" and carries its code and key', () => {
  const error = new InfraError(InfraErrorCode.imageMissing, 'gateway-kit:images.echo', 'no image digest');
  expect(error.message).toBe('gateway-kit:images.echo: no image digest');
  expect(error).toMatchObject({ name: 'InfraError', code: 'IMAGE_MISSING', key: 'gateway-kit:images.echo' });
});
