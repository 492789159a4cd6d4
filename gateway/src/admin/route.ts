// The route-definition helper: each admin route's method, path, schemas and callers are declared once here
// and feed both the express router (admin/mount.ts) and the OpenAPI document (admin/openapi.ts).
import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { GatewayContext } from '../context.js';
import type { ErrorCode } from '../errors/catalogue.js';
import type { Principal, RouteRole } from './principal.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteInput<P, Q, B> {
  ctx: GatewayContext;
  req: Request;
  /** For headers a route sets itself (a session cookie); the body is the handler's return value. */
  res: Response;
  /** The authenticated caller. Not set on `public` routes, whose handlers must not read it. */
  principal: Principal;
  params: Parsed<P>;
  query: Parsed<Q>;
  body: Parsed<B>;
}

export interface RouteDef<
  P extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: HttpMethod;
  /** Express syntax (`/apis/:id`), relative to /admin/v1. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  /**
   * The least role a caller needs (admin/principal.ts): enforced by admin/mount.ts, listed in OpenAPI as
   * `x-required-role` and in docs/admin-api.md's permission table. A tenant caller stays confined to its tenant.
   */
  role: RouteRole;
  params?: P;
  query?: Q;
  /** JSON body schema. An empty request body is validated as `{}`. */
  body?: B;
  /**
   * The body is a document read as text instead of JSON (an uploaded OpenAPI document): the media types it may
   * come as and its size cap. `body` then validates the text (`''` when there is none).
   */
  textBody?: { mediaTypes: readonly string[]; limitBytes: number; description: string };
  /** 302: the handler returns `{ location }` (the SSO redirects a browser follows). */
  response: { status: 200 | 201 | 202 | 204 | 302; description: string; schema?: z.ZodType };
  /** Problem codes this route answers with besides the ones every route has (auth, validation, internal). */
  errors?: readonly ErrorCode[];
  /** Returns the response body (ignored for 204). Method syntax on purpose: it lets typed routes sit in one list. */
  handler(input: RouteInput<P, Q, B>): Promise<unknown>;
}

export const ADMIN_PREFIX = '/admin/v1';

/** Identity function that infers the schemas' types for the handler. */
export function defineRoute<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(def: RouteDef<P, Q, B>): RouteDef {
  return def as unknown as RouteDef;
}

/** `/apis/:id/plans` → `/apis/{id}/plans` */
export function openApiPath(path: string): string {
  return ADMIN_PREFIX + path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}
