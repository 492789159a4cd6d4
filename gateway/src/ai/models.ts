// Models as the data plane sees them: lookup by public name within the API's tenant, the provider request body
// for a model, and GET <ai api>/models in the OpenAI list format.
import type { Call } from '../data-plane/call.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { ModelEntry } from './ai-config.js';
import type { ChatRequest } from './translate/chat-request.js';
import { requestFor } from './translate/provider-formats.js';

const UNKNOWN_MODEL = (name: string) => `no model named ${name} is available through this API`;

/** Models visible through an API are those of the API's tenant. */
export function findModel(call: Call, name: string): ModelEntry {
  const model = call.snapshot.ai.modelsByTenant.get(call.api!.tenantId)?.get(name);
  if (!model) {
    call.errorKind = 'model_not_found';
    throw new GatewayError('model_not_found', UNKNOWN_MODEL(name));
  }
  return model;
}

export function providerBody(req: ChatRequest, model: ModelEntry, stream: boolean): Record<string, unknown> {
  return requestFor(model.provider.type, req, model.upstreamModel, stream);
}

function modelObject(m: ModelEntry) {
  return {
    id: m.name,
    object: 'model',
    created: Math.floor(Date.parse(m.createdAt) / 1000),
    owned_by: m.provider.name,
  };
}

/** GET /models, or GET /models/{name} when `name` is given. */
export function modelsResponse(call: Call, name: string | null): unknown {
  if (name !== null) return modelObject(findModel(call, name));
  const models = call.snapshot.ai.modelsByTenant.get(call.api!.tenantId);
  return { object: 'list', data: [...(models?.values() ?? [])].map(modelObject) };
}
