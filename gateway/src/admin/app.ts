// The control plane: the admin API as an express app, mounted by the server for /admin/*.
import express from 'express';
import type { GatewayContext } from '../context.js';
import { type AuthOptions, createAuthenticator } from './auth.js';
import { renderErrors, unknownRoute } from './errors.js';
import { adminHeaders } from './headers.js';
import { mountRoutes, requireAuth } from './mount.js';
import { buildOpenApi } from './openapi.js';
import { defineRoute, type RouteDef } from './route.js';
import { adminRoutes } from './routes/index.js';
import { apiSettings } from './schemas/apis.js';

export interface AdminAppOptions {
  auth?: AuthOptions;
}

export const ADMIN_API_VERSION = '1.0.0';

export function createAdminApp(ctx: GatewayContext, options: AdminAppOptions = {}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  // req.ip (the key of the failed-auth limiter) honours X-Forwarded-For only from as many proxies as configured.
  app.set('trust proxy', ctx.env.TRUST_PROXY_HOPS > 0 ? ctx.env.TRUST_PROXY_HOPS : false);

  const authenticate = createAuthenticator(ctx, options.auth);
  let document: object = {};
  const routes: RouteDef[] = [
    ...adminRoutes,
    defineRoute({
      method: 'get',
      path: '/openapi.json',
      operationId: 'getOpenApi',
      summary: 'This document',
      tag: 'meta',
      role: 'public',
      response: { status: 200, description: 'OpenAPI 3.1 document of the admin API' },
      handler: async () => document,
    }),
  ];
  document = buildOpenApi(routes, ADMIN_API_VERSION, new Map([[apiSettings, ctx.policies.settingsSchema()]]));

  app.use(adminHeaders());
  mountRoutes(app, routes, ctx, authenticate);
  // Unknown paths authenticate first, so without a token nobody can map which admin routes exist.
  app.use(requireAuth(authenticate), unknownRoute());
  app.use(renderErrors(ctx));
  return app;
}
