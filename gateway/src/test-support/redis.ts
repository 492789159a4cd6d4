// A private redis-server per test that needs to stop and restart it; the shared one is TEST_REDIS_URL.
import { startChild, type TestChild } from './child-process.js';
import { freePort } from './free-port.js';

export const sharedRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  let running: TestChild | null = null;
  const alive = () =>
    running !== null && running.child.exitCode === null && running.child.signalCode === null;
  const start = async () => {
    if (alive()) return;
    running = await startChild(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { ready: (line) => line.includes('Ready to accept connections') },
    );
  };
  const stop = async () => {
    if (alive()) await running!.stop('SIGKILL');
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, start, stop };
}
