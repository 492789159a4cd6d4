// Where a browser that loaded the portal reaches the data plane: DATA_PLANE_URL when set; else, with ADMIN_PORT,
// the host the page came from on the data plane's PORT; else the page's own origin (one listener serves both).
import type { Request } from 'express';
import type { Env } from '../config/env.js';

type Where = Pick<Env, 'DATA_PLANE_URL' | 'ADMIN_PORT' | 'PORT'>;

export function dataPlaneOrigin(req: Request, env: Where): string {
  if (env.DATA_PLANE_URL) return new URL(env.DATA_PLANE_URL).origin;
  if (env.ADMIN_PORT !== undefined) return `${req.protocol}://${hostOnly(req.hostname)}:${env.PORT}`;
  return `${req.protocol}://${req.host}`;
}

/** The URL a consumer calls an API at: the data plane's (with DATA_PLANE_URL's own path prefix) + base path. */
export function callUrl(req: Request, env: Where, basePath: string): string {
  const base = env.DATA_PLANE_URL ?? dataPlaneOrigin(req, env);
  return base + basePath;
}

/** An IPv6 literal keeps its brackets in a URL. */
const hostOnly = (hostname: string) =>
  hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname;
