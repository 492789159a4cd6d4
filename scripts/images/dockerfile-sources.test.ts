import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerfileSources, normalizeSource } from './dockerfile-sources.js';
import { ImagesError } from './errors.js';

const root = join(import.meta.dirname, '..', '..');

describe('dockerfileSources', () => {
  it('lists COPY and ADD sources from the context and leaves out stage, image and remote sources', () => {
    const dockerfile = [
      'FROM node:22 AS build',
      'COPY --chown=node:node package.json ./lock.json /app/',
      'COPY ["src dir/a.ts", "/app/"]',
      'COPY --from=build /app/dist /dist',
      'COPY --from=alpine:3 /etc/os-release /',
      'ADD https://example.com/file.tgz /tmp/',
      'ADD vendor/*.tgz /tmp/',
      'RUN --mount=type=bind,source=tools,target=/tools --mount=type=cache,target=/root/.npm make',
      'RUN --mount=type=bind,from=build,source=/app,target=/x true',
    ].join('\n');
    expect(dockerfileSources(dockerfile, {})).toEqual([
      'lock.json',
      'package.json',
      'src dir/a.ts',
      'tools',
      'vendor/*.tgz',
    ]);
  });

  it('expands ARG references from build arguments, then from ARG defaults', () => {
    const dockerfile = [
      'ARG WS=services/echo',
      'ARG OTHER',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Dockerfile variables, not a template
      'COPY ${WS}/src $WS/package.json ${OTHER:-x}/y /app/',
    ].join('\n');
    expect(dockerfileSources(dockerfile, {})).toEqual([
      'services/echo/package.json',
      'services/echo/src',
      'x/y',
    ]);
    expect(dockerfileSources(dockerfile, { WS: 'gateway', OTHER: 'o' })).toEqual([
      'gateway/package.json',
      'gateway/src',
      'o/y',
    ]);
  });

  it('treats a bind mount without a source as the whole context', () => {
    expect(dockerfileSources('FROM x\nRUN --mount=type=bind,target=/src make', {})).toEqual(['.']);
  });

  it('rejects a COPY without a destination, naming the line', () => {
    expect(() => dockerfileSources('FROM x\n\nCOPY onlyone', {})).toThrow(
      new ImagesError('DOCKERFILE_INVALID', 'line 3: COPY needs a source and a destination'),
    );
  });

  it('reads exactly the gateway workspace, the console sources, the shared manifests and the prune script from Dockerfile.gateway', () => {
    const text = readFileSync(join(root, 'Dockerfile.gateway'), 'utf8');
    expect(dockerfileSources(text, {})).toEqual([
      '.npmrc',
      'console/index.html',
      'console/package.json',
      'console/portal.html',
      'console/src',
      'console/vite.config.ts',
      'gateway/package.json',
      'gateway/src',
      'gateway/tsconfig.json',
      'package-lock.json',
      'package.json',
      'scripts/images/prune-workspace.mjs',
      'tsconfig.base.json',
    ]);
  });
});

describe('normalizeSource', () => {
  it('makes sources context-relative and keeps them inside the context', () => {
    expect(normalizeSource('./a/b/')).toBe('a/b');
    expect(normalizeSource('/a/../../b')).toBe('b');
    expect(normalizeSource('.')).toBe('.');
    expect(normalizeSource('./')).toBe('.');
  });
});
