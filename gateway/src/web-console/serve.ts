// Serves the built front ends (console/dist): the console at /console/ and the developer portal at /portal/,
// hashed assets cached for good, the pages themselves never, all under a strict Content-Security-Policy
// (scripts and styles from this origin only, no inline code).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';
import { GatewayError } from '../errors/gateway-error.js';
import { sendProblem } from '../errors/problem.js';
import { dataPlaneOrigin } from './data-plane-url.js';

export const CONSOLE_PREFIX = '/console';
export const PORTAL_PREFIX = '/portal';
/** Each front end's single-page app: every path under its prefix answers its page. */
const PAGES = { [CONSOLE_PREFIX]: 'index.html', [PORTAL_PREFIX]: 'portal.html' } as const;

/** The data plane is the one other origin a page may call (the portal's try-it), when it is another origin. */
function csp(dataPlane: string, own: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    dataPlane === own ? "connect-src 'self'" : `connect-src 'self' ${dataPlane}`,
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Where `npm run build -w console` writes, unless CONSOLE_DIR (validated in config/env.ts) says otherwise. */
export const defaultConsoleDir = fileURLToPath(new URL('../../../console/dist', import.meta.url));

export function consoleRouter(env: Parameters<typeof dataPlaneOrigin>[1], dir = defaultConsoleDir): Router {
  const router = express.Router();
  router.use(Object.keys(PAGES), (req, res, next) => {
    res.setHeader('content-security-policy', csp(dataPlaneOrigin(req, env), `${req.protocol}://${req.host}`));
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    next();
  });
  router.use(
    `${CONSOLE_PREFIX}/assets`,
    express.static(`${dir}/assets`, { immutable: true, maxAge: '365d', index: false, fallthrough: false }),
  );
  for (const [prefix, file] of Object.entries(PAGES)) {
    router.get([prefix, `${prefix}/*rest`], (_req, res) => {
      const page = `${dir}/${file}`;
      if (!existsSync(page))
        return sendProblem(
          res,
          new GatewayError('not_found', 'the console is not built: run `npm run build -w console`'),
        );
      res.setHeader('cache-control', 'no-cache');
      // Relative to the root: `send` refuses any path with a dot-segment, so an absolute path under a
      // directory such as ~/.cache (a checkout or package installed there) would be a 404.
      res.sendFile(file, { root: dir });
    });
  }
  return router;
}
