// Test fixture: a local stand-in for node:22-bookworm-slim, made from this machine's Debian and Node (no Docker Hub).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, tail } from '../process.js';

const SCRIPT = join(import.meta.dirname, 'make-node-base.sh');

/**
 * The tag names what went in (the script, the Node and npm versions), so the image is made once per
 * machine and reused by every later run; `docker image rm` it to force a rebuild.
 */
export async function ensureNodeBaseImage(docker: string): Promise<string> {
  const npm = await run('npm', ['--version']);
  const key = createHash('sha256')
    .update(readFileSync(SCRIPT))
    .update(`${process.version}\n${npm.stdout.trim()}\n`)
    .digest('hex');
  const tag = `gateway-kit-test/node-base:${key.slice(0, 16)}`;
  const present = await run(docker, ['image', 'inspect', '--format', '{{.Id}}', tag]);
  if (present.code === 0) return tag;
  const made = await run('bash', [SCRIPT, docker, tag]);
  if (made.code !== 0) throw new Error(`make-node-base.sh failed:\n${tail(made.stdout + made.stderr)}`);
  return tag;
}
