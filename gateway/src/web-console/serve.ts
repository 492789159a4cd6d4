// Serves the built console (console/dist) at /console/: hashed assets cached for good, the page itself never,
// all under a strict Content-Security-Policy (scripts and styles from this origin only, no inline code).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';
import { GatewayError } from '../errors/gateway-error.js';
import { sendProblem } from '../errors/problem.js';

export const CONSOLE_PREFIX = '/console';

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Where `npm run build -w console` writes; CONSOLE_DIR overrides it (an image that ships the console elsewhere). */
export function consoleDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.CONSOLE_DIR ?? fileURLToPath(new URL('../../../console/dist', import.meta.url));
}

export function consoleRouter(dir = consoleDir()): Router {
  const router = express.Router();
  router.use(CONSOLE_PREFIX, (_req, res, next) => {
    res.setHeader('content-security-policy', CSP);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    next();
  });
  router.use(
    `${CONSOLE_PREFIX}/assets`,
    express.static(`${dir}/assets`, { immutable: true, maxAge: '365d', index: false, fallthrough: false }),
  );
  // Every other path under /console is a page of the single-page app: the same index.html, never cached.
  router.get([CONSOLE_PREFIX, `${CONSOLE_PREFIX}/*rest`], (_req, res) => {
    const index = `${dir}/index.html`;
    if (!existsSync(index))
      return sendProblem(
        res,
        new GatewayError('not_found', 'the console is not built: run `npm run build -w console`'),
      );
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
