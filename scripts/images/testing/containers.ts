// Test fixture: runs built images as containers on the host network (the only network these machines have).
import { createServer } from 'node:net';
import { run, tail } from '../process.js';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export class Containers {
  private readonly started: string[] = [];

  constructor(private readonly docker: string) {}

  /** `docker run -d --network host`; returns the container id. */
  async start(image: string, env: Record<string, string>, args: readonly string[] = []): Promise<string> {
    const envArgs = Object.entries(env).flatMap(([name, value]) => ['-e', `${name}=${value}`]);
    const result = await run(this.docker, ['run', '-d', '--network', 'host', ...envArgs, ...args, image]);
    if (result.code !== 0) throw new Error(`docker run ${image}: ${tail(result.stderr)}`);
    const id = result.stdout.trim();
    this.started.push(id);
    return id;
  }

  /** Runs a one-off command in a fresh container of `image`, replacing its entrypoint, and returns stdout. */
  async exec(
    image: string,
    entrypoint: string,
    args: readonly string[],
  ): Promise<{ code: number; stdout: string }> {
    const result = await run(this.docker, [
      'run',
      '--rm',
      '--network',
      'host',
      '--entrypoint',
      entrypoint,
      image,
      ...args,
    ]);
    return { code: result.code, stdout: result.stdout };
  }

  async logs(id: string): Promise<string> {
    const result = await run(this.docker, ['logs', id]);
    return result.stdout + result.stderr;
  }

  async removeAll(): Promise<void> {
    if (this.started.length > 0) await run(this.docker, ['rm', '-f', ...this.started.splice(0)]);
  }
}
