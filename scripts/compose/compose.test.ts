// compose.yaml against the local engine with Debian's docker-compose: the kit's images built from this
// checkout with the compose file's own Dockerfiles and BASE_IMAGE argument, PostgreSQL and Redis from thin
// local stand-ins (no Docker Hub here), and the seeded stack answering a REST and an AI call.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildImage, type Engine } from '../images/docker-engine.js';
import { readManifest } from '../images/manifest.js';
import { run, tail } from '../images/process.js';
import { freePort } from '../images/testing/containers.js';
import { dockerTestsEnabled, probeDocker } from '../images/testing/docker-probe.js';
import { ensureNodeBaseImage } from '../images/testing/node-base-image.js';

const root = join(import.meta.dirname, '..', '..');
const probe = await probeDocker();
const CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';
const project = `gkcompose${process.pid}`;
const adminToken = 'compose-test-admin-token';

type Service = {
  image: string;
  build?: { context: string; dockerfile: string; args: Record<string, string> };
};
const compose = parse(readFileSync(join(root, 'compose.yaml'), 'utf8')) as {
  services: Record<string, Service>;
};

let engine: Engine;
let env: NodeJS.ProcessEnv;
let port: number;

async function build(context: string, dockerfile: string, tag: string, base: string): Promise<void> {
  await buildImage(engine, {
    context,
    dockerfile,
    tags: [tag],
    buildArgs: { BASE_IMAGE: base },
    labels: {},
    platforms: [],
    // Behind a TLS-inspecting proxy npm needs the machine's CA bundle; it goes in as a secret.
    secrets: existsSync(CA_BUNDLE) ? [`id=ca_certs,src=${CA_BUNDLE}`] : [],
    cacheFrom: [],
    cacheTo: [],
    push: false,
  });
}

const composeRun = (...args: string[]) => run('docker-compose', ['-p', project, ...args], { cwd: root, env });

describe.skipIf(!dockerTestsEnabled(probe))('compose.yaml', () => {
  beforeAll(async () => {
    if (!probe.ok) throw new Error(`compose tests need an engine and a registry: ${probe.reason}`);
    engine = probe.engine;
    const base = await ensureNodeBaseImage(engine.bin);
    port = await freePort();
    // docker-compose calls `docker`: the client the pipeline found, which builds with BuildKit.
    env = {
      ...process.env,
      PATH: `${dirname(engine.bin)}:${process.env.PATH}`,
      BASE_IMAGE: base,
      POSTGRES_IMAGE: 'gateway-kit-test/postgres:local',
      REDIS_IMAGE: 'gateway-kit-test/redis:local',
      GATEWAY_PORT: String(port),
      ADMIN_TOKEN: adminToken,
    };
    const fixtures = join(import.meta.dirname, 'testing');
    // The kit's images exactly as compose.yaml builds them (with the engine's build network and CA secret),
    // and the thin stand-ins, side by side as compose would.
    await Promise.all([
      build(fixtures, join(fixtures, 'postgres.Dockerfile'), env.POSTGRES_IMAGE!, base),
      build(fixtures, join(fixtures, 'redis.Dockerfile'), env.REDIS_IMAGE!, base),
      ...Object.values(compose.services)
        .filter((service) => service.build)
        .map((service) => build(root, join(root, service.build!.dockerfile), service.image, base)),
    ]);
  }, 1_200_000);

  afterAll(async () => {
    if (probe.ok && env) await composeRun('down', '-v', '--remove-orphans');
  }, 120_000);

  it('builds the images the pipeline builds: same Dockerfiles, context and BASE_IMAGE argument', () => {
    const manifest = readManifest(join(root, 'images.manifest.json'));
    const built = Object.entries(compose.services)
      .filter(([, service]) => service.build)
      .map(([name, service]) => [name, service.build]);
    expect(built).toEqual(
      ['echo', 'llm-mock', 'gateway'].map((name) => {
        const image = manifest.find((i) => i.name === name)!;
        return [
          name,
          {
            context: image.context,
            dockerfile: image.dockerfile,
            // biome-ignore lint/suspicious/noTemplateCurlyInString: compose's own variable syntax
            args: { BASE_IMAGE: '${BASE_IMAGE:-node:24-bookworm-slim}' },
          },
        ];
      }),
    );
  });

  it('runs the stack on PostgreSQL and Redis, seeded like the demo', async () => {
    const up = await composeRun('up', '-d', '--no-build');
    expect(up.code, tail(up.stderr)).toBe(0);
    let seedLog = '';
    for (let i = 0; i < 240 && !seedLog.includes('seed: done'); i++) {
      seedLog = (await composeRun('logs', '--no-color', 'seed')).stdout;
      if (seedLog.includes('seed: ') && !seedLog.includes('seed: done')) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const key = /API key (\S+)/.exec(seedLog)?.[1];
    expect(key, seedLog).toMatch(/^gk_/);
    expect(seedLog).toContain(`curl -i http://127.0.0.1:${port}/echo/hello -H 'x-api-key: ${key}'`);

    const rest = await fetch(`http://127.0.0.1:${port}/echo/hello`, { headers: { 'x-api-key': key! } });
    expect(rest.status).toBe(200);
    expect(await rest.json()).toMatchObject({ method: 'GET', path: '/hello' });
    const ai = await fetch(`http://127.0.0.1:${port}/ai/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(ai.status).toBe(200);
    expect(await ai.json()).toMatchObject({
      model: 'claude',
      choices: [{ message: { content: 'echo: hi' } }],
    });

    // The gateway's store is the PostgreSQL service: the seeded tenant is a row there.
    const rows = await composeRun(
      'exec',
      '-T',
      'postgres',
      'psql',
      '-U',
      'postgres',
      '-d',
      'gateway',
      '-Atc',
      'select name from tenants',
    );
    expect(rows.stdout.trim()).toBe('demo');
  }, 600_000);
});
