// Turns route definitions into express handlers: authenticate → check the caller → read JSON → validate → run.
import type express from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { actorOf } from '../audit/actor.js';
import { runAudited } from '../audit/scope.js';
import type { GatewayContext } from '../context.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { Authenticate } from './auth.js';
import { beforeLoader } from './before-state.js';
import { hasRole, type Principal } from './principal.js';
import { ADMIN_PREFIX, type RouteDef } from './route.js';
import { parseOr400, readJsonBody, readTextBody } from './validation.js';

/** Authenticates every non-public route; also used in front of the 404 so unknown paths reveal nothing. */
export function requireAuth(authenticate: Authenticate): RequestHandler {
  return async function adminAuth(req: Request, res: Response, next: NextFunction) {
    res.locals.principal = await authenticate(req);
    next();
  };
}

/** Why a caller lacks a route's role, in words that say what to do about it. */
function missingRole(route: RouteDef, principal: Principal): string {
  if (route.role === 'self')
    return 'this operation needs a signed-in user (a session or a personal access token)';
  if (route.role === 'platform') return 'this operation needs the platform admin role';
  if (principal.kind === 'user') {
    return 'this operation needs a tenant: send X-Admin-Tenant with the id of one of your tenants';
  }
  const held = principal.kind === 'tenant' ? principal.role : 'platform';
  return `this operation needs the ${route.role} role (the caller is ${held})`;
}

/** The route's least role, checked before the body is read; which tenant's resources is checked per resource. */
function requireRole(route: RouteDef): RequestHandler {
  return function checkRole(_req, res, next) {
    const principal = res.locals.principal as Principal;
    if (!hasRole(principal, route.role)) throw new GatewayError('forbidden', missingRole(route, principal));
    next();
  };
}

export function mountRoutes(
  app: express.Express,
  routes: readonly RouteDef[],
  ctx: GatewayContext,
  authenticate: Authenticate,
): void {
  const auth = requireAuth(authenticate);
  for (const route of routes) {
    const chain: RequestHandler[] = [];
    if (route.role !== 'public') chain.push(auth, requireRole(route));
    if (route.textBody) chain.push(readTextBody(route.textBody));
    else if (route.body) chain.push(readJsonBody);
    // Every authenticated write is audited (audit/scope.ts); reads are not.
    const audited = route.method !== 'get' && route.role !== 'public';
    const loadBefore = beforeLoader(route, routes);
    chain.push(async function handle(req, res) {
      const input = {
        ctx,
        req,
        res,
        principal: res.locals.principal as Principal,
        params: route.params ? parseOr400(route.params, req.params, 'params') : undefined,
        query: route.query ? parseOr400(route.query, req.query, 'query') : undefined,
        body: route.body ? parseOr400(route.body, req.body, 'body') : undefined,
      };
      const result = audited
        ? await runAudited(
            {
              actor: actorOf(input.principal),
              action: route.operationId,
              method: req.method,
              path: req.path,
              ip: req.ip ?? null,
              requestId: String(res.getHeader('x-request-id') ?? '') || null,
              before: await loadBefore(ctx, req, input.principal),
              params: req.params as Record<string, string>,
            },
            () => route.handler(input as never),
          )
        : await route.handler(input as never);
      if (route.response.status === 204) res.status(204).end();
      else if (route.response.status === 302) res.redirect(302, (result as { location: string }).location);
      else res.status(route.response.status).json(result);
    });
    app[route.method](ADMIN_PREFIX + route.path, ...chain);
  }
}
