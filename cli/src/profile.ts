// Where the CLI finds the gateway and its token: flags, then environment, then the profile file.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { Connection } from './client.js';
import { CliError, exitCodes } from './errors.js';

const profileFile = z
  .object({
    current: z.string().optional(),
    profiles: z.record(z.string(), z.object({ url: z.url(), token: z.string().min(1) }).strict()).default({}),
  })
  .strict();
export type ProfileFile = z.infer<typeof profileFile>;

export interface ConnectionFlags {
  url?: string;
  token?: string;
  profile?: string;
}

/** `GATEWAY_KIT_CONFIG`, else `$XDG_CONFIG_HOME/gateway-kit/config.json`, else `~/.config/gateway-kit/config.json`. */
export function profilePath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GATEWAY_KIT_CONFIG) return env.GATEWAY_KIT_CONFIG;
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'gateway-kit', 'config.json');
}

export function readProfiles(path = profilePath()): ProfileFile {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch {
    return { profiles: {} };
  }
  const parsed = profileFile.safeParse(safeParse(raw));
  if (!parsed.success)
    throw new CliError(
      `${path}: not a gateway-kit profile file (${parsed.error.issues[0]?.message})`,
      exitCodes.usage,
    );
  return parsed.data;
}

/** The file holds tokens: readable by its owner only. */
export function writeProfiles(file: ProfileFile, path = profilePath()): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

export function resolveConnection(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): Connection {
  const file = readProfiles(profilePath(env));
  const name = flags.profile ?? env.GATEWAY_KIT_PROFILE ?? file.current;
  const saved = name ? file.profiles[name] : undefined;
  if (flags.profile && !saved) throw new CliError(`no profile named ${flags.profile}`, exitCodes.usage);
  const url = flags.url ?? env.GATEWAY_URL ?? saved?.url;
  const token = flags.token ?? env.GATEWAY_TOKEN ?? saved?.token;
  if (!url || !token)
    throw new CliError(
      'not logged in: run `gateway-kit login --url <gateway> --token <token>`, or set GATEWAY_URL and GATEWAY_TOKEN',
      exitCodes.usage,
    );
  return { url, token };
}

function safeParse(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
