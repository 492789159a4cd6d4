// The image pipeline against a real Docker engine (BuildKit) and a real registry: builds, skips, pushes,
// digests, and the built gateway and echo images serving a call. CI must provide both (see .ci/run).
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuildOptions, buildCommand, type ImageResult } from './build-command.js';
import { readLock } from './lock-file.js';
import { readManifest } from './manifest.js';
import { run } from './process.js';
import { RegistryClient } from './registry-client.js';
import { Containers, freePort } from './testing/containers.js';
import { dockerTestsEnabled, probeDocker } from './testing/docker-probe.js';
import { seedRoute, waitForHttp } from './testing/gateway-seed.js';
import { ensureNodeBaseImage } from './testing/node-base-image.js';
import { devDependencyNames, LIST_PACKAGES, productionDependencies } from './testing/package-sets.js';
import { copyWorkspace, git, type WorkspaceCopy } from './testing/workspace-copy.js';

const probe = await probeDocker();
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const COLD_BUILD_MS = 9 * 60_000;
const TSX = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'tsx');
const CLI = join(import.meta.dirname, 'main.ts');

let copy: WorkspaceCopy;
let base: string;
let options: BuildOptions;
let containers: Containers;

const actions = (results: ImageResult[]) =>
  Object.fromEntries(results.map((result) => [result.name, result.action]));

describe.skipIf(!dockerTestsEnabled(probe))('images build against a real engine and registry', () => {
  beforeAll(async () => {
    if (!probe.ok) throw new Error(`Docker tests need an engine and a registry: ${probe.reason}`);
    base = await ensureNodeBaseImage(probe.engine.bin);
    containers = new Containers(probe.engine.bin);
    copy = await copyWorkspace();
    options = {
      root: copy.root,
      images: readManifest(copy.manifest),
      lockPath: join(copy.root, 'images.lock.json'),
      push: true,
      registry: probe.registry,
      insecureRegistry: false,
      platforms: [],
      baseImage: base,
      // Behind a TLS-inspecting proxy npm needs the machine's CA bundle; it goes in as a secret.
      secrets: existsSync(CA_BUNDLE) ? [`id=ca_certs,src=${CA_BUNDLE}`] : [],
      cacheFrom: [],
      cacheTo: [],
      renderer: 'silent',
    };
  }, 120_000);

  afterAll(async () => {
    if (!probe.ok || !copy) return;
    await containers.removeAll();
    const images = await run(probe.engine.bin, ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}']);
    const ours = images.stdout.split('\n').filter((ref) => ref.includes(`${copy.namespace}/`));
    if (ours.length > 0) await run(probe.engine.bin, ['image', 'rm', ...ours]);
    rmSync(copy.root, { recursive: true, force: true });
  });

  it(
    'builds and pushes every image, and pins each by digest in the lock file',
    async () => {
      const results = await buildCommand(options);
      expect(actions(results)).toEqual({ gateway: 'build', echo: 'build', 'llm-mock': 'build' });
      const lock = readLock(options.lockPath, true);
      const head = await git(copy.root, 'rev-parse', 'HEAD');
      expect(Object.keys(lock.images).sort()).toEqual(['echo', 'gateway', 'llm-mock']);
      for (const result of results) {
        const entry = lock.images[result.name]!;
        const repository = `${probe.ok && probe.registry}/${copy.namespace}/gateway-kit/${result.name}`;
        expect(entry).toEqual({
          ref: `${repository}@${result.digest}`,
          repository,
          digest: result.digest,
          hash: result.hash,
          commit: head,
          tags: [`ch-${result.hash.slice(0, 24)}`, `git-${head.slice(0, 12)}`],
        });
      }
    },
    COLD_BUILD_MS,
  );

  it('builds nothing on a second run with no change', async () => {
    const before = readLock(options.lockPath, true);
    const results = await buildCommand(options);
    expect(actions(results)).toEqual({ gateway: 'skip', echo: 'skip', 'llm-mock': 'skip' });
    expect(readLock(options.lockPath, true)).toEqual(before);
  });

  it('rebuilds only the image whose source changed', async () => {
    const before = readLock(options.lockPath, true);
    appendFileSync(join(copy.root, 'services/echo/src/main.ts'), '\n// touched by the image pipeline test\n');
    const results = await buildCommand(options);
    expect(actions(results)).toEqual({ gateway: 'skip', echo: 'build', 'llm-mock': 'skip' });
    const after = readLock(options.lockPath, true);
    expect(after.images.echo!.digest).not.toBe(before.images.echo!.digest);
    expect(after.images.echo!.commit).toMatch(/-dirty$/);
    expect(after.images.gateway).toEqual(before.images.gateway);
    expect(after.images['llm-mock']).toEqual(before.images['llm-mock']);
  }, 180_000);

  it('rebuilds nothing when only docs and tests change', async () => {
    mkdirSync(join(copy.root, 'docs'), { recursive: true });
    writeFileSync(join(copy.root, 'docs/images-note.md'), '# a new page\n');
    appendFileSync(join(copy.root, 'services/echo/src/server.test.ts'), '\n// test-only change\n');
    appendFileSync(join(copy.root, 'gateway/src/test-support/stores.ts'), '\n// test-only change\n');
    const results = await buildCommand(options);
    expect(actions(results)).toEqual({ gateway: 'skip', echo: 'skip', 'llm-mock': 'skip' });
  });

  it('has lock file digests that the registry serves, under the digest and the hash tag', async () => {
    const lock = readLock(options.lockPath, true);
    const client = new RegistryClient(probe.ok ? probe.registry : '');
    for (const [name, entry] of Object.entries(lock.images)) {
      const repository = `${copy.namespace}/gateway-kit/${name}`;
      expect(await client.manifestDigest(repository, entry.digest)).toBe(entry.digest);
      expect(await client.manifestDigest(repository, entry.tags[0]!)).toBe(entry.digest);
    }
    const cli = await run(TSX, [CLI, 'verify', '--manifest', copy.manifest], { cwd: copy.root });
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    expect(cli.stdout.trim().split('\n')).toEqual(
      ['echo', 'gateway', 'llm-mock'].map((name) => `ok   ${name} ${lock.images[name]!.ref}`),
    );
  });

  it('skips everything through the CLI too, and says so', async () => {
    const cli = await run(
      TSX,
      [
        CLI,
        'build',
        '--push',
        '--progress',
        'plain',
        '--manifest',
        copy.manifest,
        '--registry',
        probe.ok ? probe.registry : '',
        '--base-image',
        base,
      ],
      { cwd: copy.root },
    );
    expect(cli.code).toBe(0);
    expect(cli.stdout).toContain(`0 of 3 images built or pushed; lock file: ${options.lockPath}`);
    expect(cli.stdout).toMatch(
      new RegExp(
        `echo: skipped \\(ch-[0-9a-f]{24}, in ${probe.ok && probe.registry.replaceAll('.', '\\.')}\\)`,
      ),
    );
  });

  it('runs the gateway and echo images, and a call through the gateway reaches echo', async () => {
    const lock = readLock(options.lockPath, true);
    const [echoPort, gatewayPort] = [await freePort(), await freePort()];
    const adminToken = `it-admin-${randomBytes(12).toString('hex')}`;
    await containers.start(lock.images.echo!.ref, { PORT: String(echoPort), HOST: '127.0.0.1' });
    const gateway = await containers.start(lock.images.gateway!.ref, {
      PORT: String(gatewayPort),
      HOST: '127.0.0.1',
      ADMIN_TOKEN: adminToken,
    });
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    await waitForHttp(`http://127.0.0.1:${echoPort}/healthz`, 20_000);
    await waitForHttp(`${gatewayUrl}/healthz`, 20_000).catch(async (error) => {
      throw new Error(`${(error as Error).message}\n${await containers.logs(gateway)}`);
    });
    const route = await seedRoute(gatewayUrl, adminToken, `http://127.0.0.1:${echoPort}`);
    const response = await waitForHttp(`${gatewayUrl}${route.basePath}/hello?x=1`, 10_000, {
      headers: { 'x-api-key': route.key },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = (await response.json()) as {
      method: string;
      path: string;
      query: unknown;
      headers: Record<string, string>;
    };
    expect({ method: body.method, path: body.path, query: body.query }).toEqual({
      method: 'GET',
      path: '/hello',
      query: { x: '1' },
    });
    expect(body.headers['x-gateway-tenant']).toBe(route.tenantId);
    expect(body.headers['x-request-id']).toBe(response.headers.get('x-request-id'));
    expect(body.headers['x-api-key']).toBeUndefined();
  }, 60_000);

  it('runs the llm-mock image, which answers its health path', async () => {
    const spec = options.images.find((image) => image.name === 'llm-mock')!;
    const port = await freePort();
    await containers.start(readLock(options.lockPath, true).images['llm-mock']!.ref, {
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    const response = await waitForHttp(`http://127.0.0.1:${port}${spec.healthPath}`, 20_000);
    expect(response.status).toBe(200);
  }, 60_000);

  it('runs the gateway as a non-root user, with no dev dependency and no build tool in the image', async () => {
    const ref = readLock(options.lockPath, true).images.gateway!.ref;
    const inspect = await run(docker(), ['image', 'inspect', '--format', '{{json .Config}}', ref]);
    const config = JSON.parse(inspect.stdout) as { User: string; Healthcheck: { Test: string[] } };
    expect(config.User).toBe('node');
    expect(config.Healthcheck.Test[0]).toBe('CMD');
    expect((await containers.exec(ref, 'id', ['-u'])).stdout.trim()).toBe('1000');

    const listed = await containers.exec(ref, 'node', ['-e', LIST_PACKAGES]);
    const inImage = new Set(listed.stdout.trim().split('\n'));
    const production = await productionDependencies('gateway');
    expect([...inImage].sort()).toEqual([...production, '@gateway-kit/gateway'].sort());
    const devOnly = (await devDependencyNames('gateway')).filter((name) => !production.has(name));
    expect(devOnly).toContain('typescript');
    expect(devOnly.filter((name) => inImage.has(name))).toEqual([]);

    const tools = await containers.exec(ref, 'sh', [
      '-c',
      'for t in npm npx yarn corepack gcc g++ make python3; do command -v $t; done; true',
    ]);
    expect(tools.stdout).toBe('');
  }, 60_000);

  it('passes build secrets to RUN steps only: in no layer, no history and no lock file', async () => {
    const secret = `s3cret-${randomBytes(16).toString('hex')}`;
    const probeDir = join(copy.root, 'probe');
    mkdirSync(probeDir, { recursive: true });
    writeFileSync(join(probeDir, 'secret.txt'), secret);
    writeFileSync(join(probeDir, 'marker.txt'), secret.split('').reverse().join(''));
    writeFileSync(join(probeDir, 'Dockerfile'), PROBE_DOCKERFILE);
    const lockBefore = readFileSync(options.lockPath, 'utf8');
    const probeOptions: BuildOptions = {
      ...options,
      images: [
        {
          name: 'probe',
          context: 'probe',
          dockerfile: 'probe/Dockerfile',
          repository: `${copy.namespace}/probe`,
          port: 1,
          healthPath: '/',
        },
      ],
      push: false,
      registry: null,
      secrets: [...options.secrets, `id=probe,src=${join(probeDir, 'secret.txt')}`],
    };
    const [result] = await buildCommand(probeOptions);
    expect(result!.action).toBe('build');
    // Without a registry, an image already in the local engine is skipped too.
    const [again] = await buildCommand(probeOptions);
    expect({ action: again!.action, reason: again!.reason }).toEqual({
      action: 'skip',
      reason: 'built locally',
    });
    const tag = `${copy.namespace}/probe:${result!.tags[0]}`;
    // The RUN step saw the secret...
    const seen = await containers.exec(tag, 'cat', ['/probe.sha256']);
    expect(seen.stdout.trim()).toBe(createHash('sha256').update(secret).digest('hex'));
    // ...and nothing of the image holds it.
    const history = await run(docker(), ['history', '--no-trunc', '--format', '{{.CreatedBy}}', tag]);
    expect(history.stdout).toContain('sha256sum /run/secrets/probe');
    expect(history.stdout).not.toContain(secret);
    const saved = join(copy.root, 'probe.tar');
    expect((await run(docker(), ['save', '-o', saved, tag])).code).toBe(0);
    expect(readFileSync(saved).indexOf(secret)).toBe(-1);
    expect(readFileSync(saved).indexOf(secret.split('').reverse().join(''))).toBeGreaterThan(-1);
    expect(readFileSync(options.lockPath, 'utf8')).toBe(lockBefore);
  }, 120_000);
});

const docker = () => (probe.ok ? probe.engine.bin : 'docker');

const PROBE_DOCKERFILE = `ARG BASE_IMAGE=node:22-bookworm-slim
FROM \${BASE_IMAGE}
COPY marker.txt /marker.txt
RUN --mount=type=secret,id=probe,required=true sha256sum /run/secrets/probe | cut -d' ' -f1 > /probe.sha256
`;
