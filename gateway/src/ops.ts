// Operational endpoints outside the admin API: liveness, readiness.
import type { Request, Response, Router } from 'express';
import express from 'express';
import type { GatewayContext } from './context.js';

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
  router.get('/metrics', async (_req: Request, res: Response) => {
    res.setHeader('content-type', ctx.metrics.registry.contentType);
    res.send(await ctx.metrics.registry.metrics());
  });
  return router;
}
