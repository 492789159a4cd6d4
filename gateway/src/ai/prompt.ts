// POST <prompt api>: the caller sends the template's variables as a JSON object and gets `{output, usage}`;
// the gateway renders the template and asks the API's model, with the same fallbacks as the chat endpoint.
import { aiUsageOf, type Call } from '../data-plane/call.js';
import type { Api } from '../domain/types.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { AttemptDeps } from './attempts.js';
import { completeOnce, sendJson } from './chat.js';
import { findModel } from './models.js';
import { checkVariables, describeProblems, renderTemplate } from './prompt-template.js';
import { readJsonBody } from './request-body.js';
import { type PromptSettings, promptSettings } from './settings.js';
import { reservationOf, type TokenMeter, withPlanCap } from './token-accounting.js';
import type { ChatRequest } from './translate/chat-request.js';

const NOT_AN_OBJECT = "the body must be a JSON object of the prompt's variables";
const MISCONFIGURED = "this prompt API's settings are not valid; its owner must fix them";

// Parsed once per API object, i.e. once per snapshot.
const parsedSettings = new WeakMap<Api, PromptSettings | null>();

function settingsOf(api: Api): PromptSettings {
  let s = parsedSettings.get(api);
  if (s === undefined) {
    const r = promptSettings.safeParse(api.settings);
    s = r.success ? r.data : null;
    parsedSettings.set(api, s);
  }
  if (!s) throw new GatewayError('upstream_unavailable', MISCONFIGURED);
  return s;
}

export async function runPrompt(call: Call, deps: AttemptDeps, meter: TokenMeter): Promise<void> {
  const settings = settingsOf(call.api!);
  const values = await readJsonBody(call);
  if (!values || typeof values !== 'object' || Array.isArray(values))
    throw new GatewayError('bad_request', NOT_AN_OBJECT);
  const problems = checkVariables(settings, values as Record<string, unknown>);
  if (problems) {
    call.errorKind = 'invalid_variables';
    throw new GatewayError('invalid_variables', describeProblems(problems), { fields: { ...problems } });
  }
  const model = findModel(call, settings.model);
  aiUsageOf(call).model = model.name;
  const asked: ChatRequest = {
    model: model.name,
    messages: [
      ...(settings.system ? [{ role: 'system' as const, content: settings.system }] : []),
      {
        role: 'user' as const,
        content: renderTemplate(settings.template, values as Record<string, unknown>),
      },
    ],
    ...(settings.maxTokens ? { max_tokens: settings.maxTokens } : {}),
    ...(settings.temperature !== undefined ? { temperature: settings.temperature } : {}),
  };
  const req = withPlanCap(call, asked);
  await meter.reserve(reservationOf(req, model));
  const done = await completeOnce(call, deps, req, model);
  await meter.charge(done.model, done.usage);
  sendJson(call, 200, {
    output: done.text,
    model: model.name,
    usage: {
      promptTokens: done.usage.promptTokens,
      completionTokens: done.usage.completionTokens,
      totalTokens: done.usage.promptTokens + done.usage.completionTokens,
    },
  });
}
