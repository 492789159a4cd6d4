// An API's OpenAPI document: its owner attaches, replaces or removes it; the developer portal renders it.
// The owner's routes are scoped like the API's others; the catalog's read serves any caller the API is public to.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { GatewayError } from '../../errors/gateway-error.js';
import { findApi } from '../../store/repos/apis.js';
import type { ApiSpecTable, Database } from '../../store/schema.js';
import { ownApi } from '../access.js';
import { canSee, notFound } from '../principal.js';
import { defineRoute, type RouteDef } from '../route.js';
import { id, idParams, timestamp } from '../schemas/common.js';
import { checkSpec, MAX_SPEC_BYTES, specMediaTypes } from '../spec-document.js';
import { write } from '../write.js';

const specDocument = z
  .record(z.string(), z.unknown())
  .meta({ description: 'The OpenAPI document, as JSON (a YAML upload is converted)' });

export const specView = z.object({
  apiId: id,
  tenantId: id,
  openapi: z.string(),
  title: z.string(),
  version: z.string(),
  bytes: z.number().int().meta({ description: 'Size of the stored JSON document' }),
  updatedAt: timestamp,
});

const noSpec = (apiId: string) =>
  new GatewayError('not_found', `no OpenAPI document is attached to API ${apiId}`);

async function documentOf(db: Kysely<Database>, apiId: string) {
  const row = await db
    .selectFrom('api_specs')
    .select('document')
    .where('api_id', '=', apiId)
    .executeTakeFirst();
  if (!row) throw noSpec(apiId);
  return JSON.parse(row.document) as Record<string, unknown>;
}

export const apiSpecRoutes: RouteDef[] = [
  defineRoute({
    method: 'put',
    path: '/apis/:id/spec',
    operationId: 'putApiSpec',
    summary: "Attach or replace an API's OpenAPI document (3.0 or 3.1, JSON or YAML)",
    tag: 'apis',
    role: 'maintainer',
    params: idParams,
    body: z.string(),
    textBody: {
      mediaTypes: specMediaTypes,
      limitBytes: MAX_SPEC_BYTES,
      description: `The document, at most ${MAX_SPEC_BYTES} bytes. A bad one is a 400 whose errors name where in it each problem is (\`paths./pets.get.responses\`).`,
    },
    response: { status: 200, description: 'What is now attached', schema: specView },
    errors: ['not_found'],
    handler: async ({ ctx, principal, params, body, req }) => {
      const spec = await checkSpec(body, req.is(['application/json']) !== false);
      return write(ctx, async (trx) => {
        const api = await ownApi(trx, principal, params.id);
        const document = JSON.stringify(spec.document);
        const row: ApiSpecTable = {
          api_id: api.id,
          document,
          openapi: spec.openapi,
          title: spec.title,
          version: spec.version,
          bytes: Buffer.byteLength(document),
          updated_at: new Date().toISOString(),
        };
        const { api_id: _, ...changes } = row;
        await trx
          .insertInto('api_specs')
          .values(row)
          .onConflict((c) => c.column('api_id').doUpdateSet(changes))
          .execute();
        return {
          apiId: api.id,
          tenantId: api.tenantId,
          openapi: row.openapi,
          title: row.title,
          version: row.version,
          bytes: row.bytes,
          updatedAt: row.updated_at,
        };
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/apis/:id/spec',
    operationId: 'getApiSpec',
    summary: "An API's OpenAPI document",
    tag: 'apis',
    role: 'viewer',
    params: idParams,
    response: { status: 200, description: 'The document', schema: specDocument },
    errors: ['not_found'],
    handler: async ({ ctx, principal, params }) => {
      const api = await ownApi(ctx.store.db, principal, params.id);
      return documentOf(ctx.store.db, api.id);
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/apis/:id/spec',
    operationId: 'deleteApiSpec',
    summary: "Remove an API's OpenAPI document",
    tag: 'apis',
    role: 'maintainer',
    params: idParams,
    response: { status: 204, description: 'Removed' },
    errors: ['not_found'],
    handler: ({ ctx, principal, params }) =>
      write(ctx, async (trx) => {
        const api = await ownApi(trx, principal, params.id);
        const gone = await trx.deleteFrom('api_specs').where('api_id', '=', api.id).executeTakeFirst();
        if (gone.numDeletedRows === 0n) throw noSpec(api.id);
      }),
  }),
  defineRoute({
    method: 'get',
    path: '/catalog/:id/spec',
    operationId: 'getCatalogSpec',
    summary:
      "The OpenAPI document of a published public API, or of the caller's own (the portal's reference)",
    tag: 'catalog',
    role: 'viewer',
    params: idParams,
    response: { status: 200, description: 'The document', schema: specDocument },
    errors: ['not_found'],
    handler: async ({ ctx, principal, params }) => {
      const api = await findApi(ctx.store.db, params.id);
      const listed = api?.status === 'published' && api.visibility === 'public';
      if (!api || !(listed || canSee(principal, api.tenantId))) throw notFound('api', params.id);
      return documentOf(ctx.store.db, api.id);
    },
  }),
];
