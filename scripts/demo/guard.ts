// Before the demo touches a file: no other demo on this database (a pid lock beside it) and its ports free.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';

export interface DemoPlaces {
  readonly gatewayPort: number;
  readonly echoPort: number;
  readonly llmPort: number;
  readonly dbFile: string;
}

/** Why this demo cannot start, in one line; nothing has been changed when it is thrown. */
export class DemoRefused extends Error {}

interface LockRecord extends DemoPlaces {
  readonly pid: number;
}

export function describePlaces(places: DemoPlaces): string {
  return (
    `gateway http://127.0.0.1:${places.gatewayPort}, echo http://127.0.0.1:${places.echoPort}, ` +
    `llm-mock http://127.0.0.1:${places.llmPort}, store sqlite:${places.dbFile}`
  );
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function takeLock(lockFile: string, places: DemoPlaces): void {
  const record: LockRecord = { pid: process.pid, ...places };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, JSON.stringify(record), { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder: LockRecord | null = null;
    try {
      holder = JSON.parse(readFileSync(lockFile, 'utf8')) as LockRecord;
    } catch {
      // unreadable: a demo that died while writing it
    }
    if (holder && alive(holder.pid)) {
      throw new DemoRefused(
        `another demo is running on ${places.dbFile} (pid ${holder.pid}: ${describePlaces(holder)}); ` +
          `stop it first (Ctrl-C in its terminal, or kill ${holder.pid}), or give this one its own DEMO_DB and ports`,
      );
    }
    rmSync(lockFile, { force: true }); // left by a demo that is gone
  }
  throw new DemoRefused(`cannot take the lock ${lockFile}: another demo keeps taking it`);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Takes the database's lock and checks the ports; returns the lock's release. */
export async function claim(places: DemoPlaces): Promise<() => void> {
  mkdirSync(dirname(places.dbFile), { recursive: true });
  const lockFile = `${places.dbFile}.lock`;
  takeLock(lockFile, places);
  const release = () => rmSync(lockFile, { force: true });
  const ports = [
    ['PORT', 'gateway', places.gatewayPort],
    ['ECHO_PORT', 'echo', places.echoPort],
    ['LLM_MOCK_PORT', 'llm-mock', places.llmPort],
  ] as const;
  for (const [variable, what, port] of ports) {
    if (!(await portFree(port))) {
      release();
      throw new DemoRefused(
        `port ${port} (the demo's ${what}) is taken by another program on 127.0.0.1; stop it or set ${variable}`,
      );
    }
  }
  return release;
}
