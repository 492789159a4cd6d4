// The gateway's PostgreSQL and Redis for the node tier: started by the driver on the CNI bridge's
// address, so pods reach them (store.mode=managed on an existing cluster). The images of the official
// postgres and redis cannot be pulled here, and the machine's own servers listen on 127.0.0.1 only.
import { appendFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { bridgeAddress, podCidr } from './cluster.js';
import { exec, type Run, waitFor } from './run.js';

export const bridge = 'e2e-cni0';

/** Creates the CNI bridge up front with its gateway address (the bridge plugin reuses it). */
export async function createBridge(run: Run): Promise<void> {
  const log = run.logFile('bridge');
  await exec('ip', ['link', 'add', bridge, 'type', 'bridge'], { log }).catch(() => undefined);
  await exec('ip', ['addr', 'replace', `${bridgeAddress}/24`, 'dev', bridge], { log });
  await exec('ip', ['link', 'set', bridge, 'up'], { log });
}

export async function deleteBridge(run: Run): Promise<void> {
  await exec('ip', ['link', 'del', bridge], { log: run.logFile('bridge') }).catch(() => undefined);
}

function postgresBin(): string {
  const versions = readdirSync('/usr/lib/postgresql').sort();
  return join('/usr/lib/postgresql', versions.at(-1)!, 'bin');
}

/** What the stack's databaseUrl and redisUrl point at (secrets in stack config). */
export const storeUrls = {
  databaseUrl: `postgres://gateway@${bridgeAddress}:5432/gateway`,
  redisUrl: `redis://${bridgeAddress}:6379`,
};

export async function startStore(run: Run, workDir: string): Promise<void> {
  const data = join(workDir, 'postgres');
  mkdirSync(data, { recursive: true });
  const bin = postgresBin();
  const log = run.logFile('postgres');
  await exec('chown', ['postgres:postgres', data], { log });
  const asPostgres = (args: string[]) => exec('runuser', ['-u', 'postgres', '--', ...args], { log });
  await asPostgres([join(bin, 'initdb'), '-D', data, '-U', 'gateway', '--auth=trust']);
  // initdb's --auth=trust covers local and loopback connections only; pods connect from the pod network.
  appendFileSync(join(data, 'pg_hba.conf'), `host all all ${podCidr} trust\n`);
  run.start('postgres', 'runuser', [
    '-u',
    'postgres',
    '--',
    join(bin, 'postgres'),
    '-D',
    data,
    '-c',
    `listen_addresses=${bridgeAddress}`,
    '-c',
    'port=5432',
    '-c',
    `unix_socket_directories=${data}`,
    '-c',
    'fsync=off',
  ]);
  await waitFor(
    'postgres accepting connections',
    60_000,
    async () => {
      await exec(join(bin, 'pg_isready'), ['-h', bridgeAddress, '-p', '5432'], { log });
      return true;
    },
    [log],
  );
  await asPostgres([join(bin, 'createdb'), '-h', bridgeAddress, '-U', 'gateway', 'gateway']);
  run.start('redis', 'redis-server', [
    '--bind',
    bridgeAddress,
    '--port',
    '6379',
    '--save',
    '',
    '--appendonly',
    'no',
    // Without a password Redis answers only loopback clients; this one listens on the bridge for pods.
    '--protected-mode',
    'no',
  ]);
  await waitFor(
    'redis PONG',
    30_000,
    async () => {
      const out = await exec('redis-cli', ['-h', bridgeAddress, 'ping'], { log: run.logFile('redis') });
      return out.trim() === 'PONG' || undefined;
    },
    [run.logFile('redis')],
  );
}
