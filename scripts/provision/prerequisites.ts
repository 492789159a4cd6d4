// What the test suite needs on the machine: how to check each piece, its Debian packages, how to start it.
import { writeFileSync } from 'node:fs';
import pg from 'pg';
import { httpStatus, onPath, redisCommand, run, startDetached, waitFor } from './system.js';

export const defaults = {
  TEST_POSTGRES_URL: 'postgres://postgres:postgres@127.0.0.1:5432/postgres',
  TEST_REDIS_URL: 'redis://127.0.0.1:6379',
  TEST_REGISTRY: '127.0.0.1:5000',
} as const;

export type TestEnv = { -readonly [K in keyof typeof defaults]: string };

export interface Prerequisite {
  readonly name: string;
  /** Debian/Ubuntu packages that provide it. */
  readonly packages: readonly string[];
  /** How to get it without apt, for the report. */
  readonly elsewhere: string;
  /** null when usable, else what is wrong. */
  check(env: TestEnv): Promise<string | null>;
  /** Starts it after its packages are installed (root on Debian, default address only). */
  start?(env: TestEnv): Promise<void>;
  /** The TEST_* variable that points at it; a value the user set is checked, never started. */
  readonly variable?: keyof TestEnv;
}

export function testEnv(from: NodeJS.ProcessEnv): TestEnv {
  return {
    TEST_POSTGRES_URL: from.TEST_POSTGRES_URL || defaults.TEST_POSTGRES_URL,
    TEST_REDIS_URL: from.TEST_REDIS_URL || defaults.TEST_REDIS_URL,
    TEST_REGISTRY: from.TEST_REGISTRY || defaults.TEST_REGISTRY,
  };
}

/** A URL with its password hidden, for messages. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

function tool(name: string, command: string, pkg: string, elsewhere: string): Prerequisite {
  return {
    name,
    packages: [pkg],
    elsewhere,
    check: async () => (onPath(command) ? null : `${command} is not on PATH`),
  };
}

const postgres: Prerequisite = {
  name: 'PostgreSQL',
  packages: ['postgresql'],
  variable: 'TEST_POSTGRES_URL',
  elsewhere:
    'a PostgreSQL server (14 or newer) whose user may create databases, at TEST_POSTGRES_URL=postgres://user:password@host:port/db',
  async check(env) {
    const client = new pg.Client({ connectionString: env.TEST_POSTGRES_URL, connectionTimeoutMillis: 3000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.query('select 1');
      return null;
    } catch (error) {
      return `no login at ${redact(env.TEST_POSTGRES_URL)} (${(error as Error).message})`;
    } finally {
      await client.end().catch(() => {});
    }
  },
  async start(env) {
    // The Debian clusters, started without systemd, and a password for the tests' TCP logins.
    const clusters = await run('pg_lsclusters', ['-h']);
    for (const line of clusters.output.split('\n')) {
      const [version, cluster] = line.trim().split(/\s+/);
      if (version && cluster) await run('pg_ctlcluster', [version, cluster, 'start']);
    }
    await waitFor(async () => (await run('pg_isready', ['-h', '127.0.0.1', '-q'])).code === 0, 30);
    const { username, password } = new URL(env.TEST_POSTGRES_URL);
    const sql = `ALTER USER ${username} PASSWORD '${decodeURIComponent(password)}'`;
    await run('su', ['postgres', '-c', `psql -q -c "${sql}"`]);
  },
};

const redis: Prerequisite = {
  name: 'Redis',
  packages: ['redis-server'],
  variable: 'TEST_REDIS_URL',
  elsewhere:
    'redis-server on PATH (fault tests start their own) and a shared server at TEST_REDIS_URL=redis://host:port',
  async check(env) {
    if (!onPath('redis-server')) return 'redis-server is not on PATH';
    try {
      const reply = await redisCommand(env.TEST_REDIS_URL, 'PING');
      return reply === '+PONG' ? null : `${env.TEST_REDIS_URL} answered ${reply}`;
    } catch (error) {
      return `no Redis at ${env.TEST_REDIS_URL} (${(error as Error).message})`;
    }
  },
  async start() {
    await run('redis-server', [
      '--daemonize',
      'yes',
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ]);
    await waitFor(async () => (await redis.check(testEnv({}))) === null, 10);
  },
};

const docker: Prerequisite = {
  name: 'Docker engine',
  packages: ['docker.io'],
  elsewhere:
    'a Docker engine the `docker` client reaches (docker info), for the image pipeline and compose tests',
  async check() {
    if (!onPath('docker')) return 'docker is not on PATH';
    const info = await run('docker', ['info', '--format', '{{.ServerVersion}}'], 20_000);
    return info.code === 0 ? null : `docker info failed (${info.output.split('\n').at(-1)})`;
  },
  async start() {
    // No bridge: containers use the host network, as in CI's sandbox.
    startDetached('dockerd', ['--bridge=none', '--iptables=false', '--ip-masq=false'], '/tmp/dockerd.log');
    await waitFor(async () => (await docker.check(testEnv({}))) === null, 60);
  },
};

const registry: Prerequisite = {
  name: 'registry',
  packages: ['docker-registry'],
  variable: 'TEST_REGISTRY',
  elsewhere:
    'an OCI registry over plain HTTP at TEST_REGISTRY=host:port (e.g. docker run -p 5000:5000 registry:2)',
  async check(env) {
    const status = await httpStatus(`http://${env.TEST_REGISTRY}/v2/`);
    return status === 200 ? null : `http://${env.TEST_REGISTRY}/v2/ → ${status}`;
  },
  async start(env) {
    writeFileSync(
      '/tmp/registry.yml',
      [
        'version: 0.1',
        'storage:',
        '  filesystem:',
        '    rootdirectory: /tmp/registry-data',
        '  delete:',
        '    enabled: true',
        'http:',
        `  addr: ${env.TEST_REGISTRY}`,
        '',
      ].join('\n'),
    );
    startDetached('docker-registry', ['serve', '/tmp/registry.yml'], '/tmp/registry.log');
    await waitFor(async () => (await registry.check(env)) === null, 30);
  },
};

const namespaces: Prerequisite = {
  name: 'network namespaces',
  packages: ['util-linux', 'iproute2'],
  elsewhere:
    'unshare (util-linux) and ip (iproute2) on PATH, and user namespaces enabled: the documented snippets run ' +
    'on their fixed ports (8080, 9000, 9100) in a network namespace of their own',
  async check() {
    const probe = await run('unshare', ['-rn', 'ip', 'link', 'set', 'lo', 'up']);
    return probe.code === 0 ? null : `unshare -rn ip link set lo up failed (${probe.output || probe.code})`;
  },
};

export const prerequisites: readonly Prerequisite[] = [
  postgres,
  redis,
  docker,
  registry,
  tool('nginx', 'nginx', 'nginx-light', 'nginx on PATH, for the benchmark smoke run'),
  tool('wrk', 'wrk', 'wrk', 'wrk on PATH (https://github.com/wg/wrk), for the benchmark smoke run'),
  tool('Chromium', 'chromium', 'chromium', 'chromium on PATH, for the browser tests'),
  tool('promtool', 'promtool', 'prometheus', 'promtool on PATH (from Prometheus), to check the alert rules'),
  tool(
    'docker-compose',
    'docker-compose',
    'docker-compose',
    'docker-compose on PATH, for the compose.yaml test',
  ),
  tool('curl', 'curl', 'curl', 'curl on PATH, for the README walk-through'),
  namespaces,
];
