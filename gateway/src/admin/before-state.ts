// What a write route's resource looked like before the write, for the audit log: the answer of the GET route
// at the same path (PATCH, DELETE) or at its parent (an action such as POST /apis/{id}/publish).
import type { Request } from 'express';
import type { GatewayContext } from '../context.js';
import type { Principal } from './principal.js';
import type { RouteDef } from './route.js';

function twinOf(route: RouteDef, routes: readonly RouteDef[]): RouteDef | undefined {
  if (route.response.status === 201) return undefined; // a creation: nothing before it
  const path = route.method === 'post' ? route.path.slice(0, route.path.lastIndexOf('/')) : route.path;
  if (!/\/:[A-Za-z]+$/.test(path)) return undefined;
  return routes.find((r) => r.method === 'get' && r.path === path);
}

export function beforeLoader(route: RouteDef, routes: readonly RouteDef[]) {
  const twin = twinOf(route, routes);
  return async (ctx: GatewayContext, req: Request, principal: Principal): Promise<unknown> => {
    if (!twin) return null;
    try {
      const params = twin.params
        ? twin.params.parse(pick(req.params as Record<string, string>, twin))
        : undefined;
      return await twin.handler({ ctx, req, principal, params, query: undefined, body: undefined } as never);
    } catch {
      // Not found or not visible: the write itself answers that.
      return null;
    }
  };
}

function pick(params: Record<string, string>, twin: RouteDef): Record<string, string> {
  const names = [...twin.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
  return Object.fromEntries(names.map((n) => [n, params[n]!]));
}
