// Runs the CLI in-process against real gateway processes and captures what it prints.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_TOKEN, AdminClient } from '../../../gateway/src/test-support/harness.js';
import { type GatewayProcess, spawnGateway } from '../../../gateway/src/test-support/process.js';
import { run } from '../main.js';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export async function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(env))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  let out = '';
  let err = '';
  try {
    const code = await run(args, { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  } finally {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}

export interface CliGateway {
  proc: GatewayProcess;
  admin: AdminClient;
  /** `--url … --token …` for this gateway. */
  flags: string[];
}

export async function startGatewayProcess(): Promise<CliGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'gk-cli-'));
  const proc = await spawnGateway({
    ADMIN_TOKEN,
    DATABASE_URL: `sqlite:${join(dir, 'gw.db')}`,
    CONFIG_POLL_MS: '100',
  });
  return {
    proc,
    admin: new AdminClient(proc.url, ADMIN_TOKEN),
    flags: ['--url', proc.url, '--token', ADMIN_TOKEN],
  };
}
