// Operational endpoints outside the admin API: liveness, readiness, and metrics (behind a bearer token).
import type { NextFunction, Request, Response, Router } from 'express';
import express from 'express';
import type { GatewayContext } from './context.js';
import { GatewayError } from './errors/gateway-error.js';
import { sendProblem } from './errors/problem.js';
import { hashSecret, safeEqual } from './security/secrets.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const METRICS_AUTH = 'metrics need METRICS_TOKEN (or the admin token) as a Bearer token';

/**
 * /metrics names tenants, APIs and targets in its labels: only METRICS_TOKEN (for the scraper) or the platform
 * admin token may read it. The check lives on the router, so a dedicated listener (ADMIN_PORT, planned) that
 * serves this router keeps it; docs/security.md.
 */
function metricsAccess(ctx: GatewayContext) {
  const accepted = [ctx.env.METRICS_TOKEN, ctx.env.ADMIN_TOKEN]
    .filter((t): t is string => !!t)
    .map(hashSecret);
  return (req: Request, res: Response, next: NextFunction) => {
    const match = BEARER.exec(req.headers.authorization ?? '');
    const presented = match ? hashSecret(match[1]!) : null;
    // Every accepted digest is compared, so which one matched does not show in the timing either.
    let ok = false;
    for (const digest of accepted) if (presented && safeEqual(presented, digest)) ok = true;
    if (ok) return next();
    sendProblem(
      res,
      new GatewayError('unauthorized', METRICS_AUTH, {
        headers: { 'www-authenticate': 'Bearer realm="metrics"' },
      }),
    );
  };
}

export function opsRouter(ctx: GatewayContext): Router {
  const router = express.Router();
  router.get('/healthz', (_req: Request, res: Response) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', (_req: Request, res: Response) => {
    const checks = { snapshot: ctx.snapshot.loaded, store: ctx.snapshot.storeReachable };
    const ready = checks.snapshot && checks.store;
    // The config version lets operators (and tests) see whether replicas have converged.
    const configVersion = ctx.snapshot.loaded ? ctx.snapshot.current.version : null;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks, configVersion });
  });
  router.get('/metrics', metricsAccess(ctx), async (_req: Request, res: Response) => {
    res.setHeader('content-type', ctx.metrics.registry.contentType);
    res.send(await (ctx.metricsText ?? (() => ctx.metrics.registry.metrics()))());
  });
  return router;
}
