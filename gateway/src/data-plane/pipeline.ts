// An API's pipeline: the registry's policies bound to that API's parsed settings, compiled when a snapshot is
// built, so a call only walks arrays: no settings lookup, parse or cast on the hot path.
import type { Api } from '../domain/types.js';
import { GatewayError } from '../errors/gateway-error.js';
import type { Logger } from '../observability/logger.js';
import {
  authMethodsOf,
  type Hooks,
  type PolicyDefinition,
  type PolicyDeps,
  type PolicyInstance,
  type RequestHook,
  type ResponseHook,
} from '../policies/policy.js';
import type { PolicyRegistry } from '../policies/registry.js';
import { openSettings, type SecretFields } from '../policies/sealed-settings.js';
import { API_SETTINGS_PURPOSE, SecretBox } from '../security/secret-box.js';
import type { RoutedCall } from './call.js';

const MISCONFIGURED = 'this API is misconfigured; its owner has been told in the gateway log';

export interface Pipeline {
  /** The request halves of every phase but `serve`, in order (the auth methods folded into one step). */
  readonly request: readonly RequestHook[];
  /** The answer (forward, AI); null when no serving policy takes this API. */
  readonly serve: RequestHook | null;
  /** Response halves, last policy first: the one nearest the answer sees its headers first. */
  readonly response: readonly ResponseHook[];
  readonly error: readonly NonNullable<Hooks['error']>[];
}

type Bound = { definition: PolicyDefinition; instance: PolicyInstance<unknown> };

export class Pipelines {
  readonly #bound: Bound[];
  readonly #logger: Logger;
  /** Opens the sealed secrets of API settings (policies/sealed-settings.ts). */
  readonly #box: SecretBox;
  readonly #secrets: SecretFields;
  // Keyed by the Api object: a snapshot rebuild makes new ones, so a pipeline never outlives its config.
  #cache = new WeakMap<Api, Pipeline>();

  constructor(registry: PolicyRegistry, deps: PolicyDeps) {
    this.#logger = deps.logger;
    this.#box = new SecretBox(deps.secret, API_SETTINGS_PURPOSE);
    this.#secrets = registry.secretFields;
    this.#bound = registry.definitions.map((definition) => ({
      definition,
      instance: definition.create(deps),
    }));
  }

  of(api: Api): Pipeline {
    let pipeline = this.#cache.get(api);
    if (!pipeline) {
      pipeline = this.#compile(api);
      this.#cache.set(api, pipeline);
    }
    return pipeline;
  }

  /** Called when a snapshot is built: every API's pipeline is compiled then, not on its first call. */
  sync(apis: Iterable<Api>): void {
    for (const api of apis) this.of(api);
  }

  async close(): Promise<void> {
    await Promise.all(this.#bound.map((b) => b.instance.close?.()));
  }

  #compile(api: Api): Pipeline {
    const early: RequestHook[] = [];
    const later: RequestHook[] = [];
    const wanted = authMethodsOf(api);
    // In the API's order: the first listed method that finds its credential decides.
    const methods: Hooks[] = [];
    const response: ResponseHook[] = [];
    const error: NonNullable<Hooks['error']>[] = [];
    let serve: RequestHook | null = null;
    let opened: Record<string, unknown>;
    try {
      opened = openSettings(api.settings, this.#secrets, this.#box, api.id);
    } catch (err) {
      return this.#broken(api, 'settings', err as Error);
    }
    for (const { definition, instance } of this.#bound) {
      let settings: unknown;
      if (definition.settings) {
        const raw = opened[definition.settings.key];
        if (raw !== undefined) {
          const parsed = definition.settings.schema.safeParse(raw);
          // Written before the schema tightened, or by hand in the store: refuse the API rather than guess.
          if (!parsed.success) return this.#broken(api, `settings.${definition.settings.key}`, parsed.error);
          settings = parsed.data;
        }
      }
      const hooks = instance.bind(api, settings);
      if (!hooks) continue;
      if (definition.phase === 'auth') {
        if (!hooks.authenticate || !hooks.missing)
          return this.#broken(api, 'auth', new Error(`${definition.name} bound no authenticate/missing`));
        methods[wanted.indexOf(definition.authMethod!)] = hooks;
      } else if (hooks.request && definition.phase === 'serve') serve ??= hooks.request;
      else if (hooks.request) (definition.phase === 'early' ? early : later).push(hooks.request);
      if (hooks.response) response.unshift(hooks.response);
      if (hooks.error) error.unshift(hooks.error);
    }
    if (methods.length !== wanted.length || methods.includes(undefined as never))
      return this.#broken(
        api,
        'auth',
        new Error(`not every auth method of ${JSON.stringify(api.auth)} applies`),
      );
    const request = methods.length ? [...early, authStep(methods), ...later] : [...early, ...later];
    return { request, serve, response, error };
  }

  #broken(api: Api, what: string, err: Error): Pipeline {
    this.#logger.error({ apiId: api.id, err: err.message }, `API ${what} cannot be applied; its calls fail`);
    const refuse: RequestHook = () => {
      throw new GatewayError('internal', MISCONFIGURED);
    };
    return { request: [refuse], serve: null, response: [], error: [] };
  }
}

/**
 * The refusal when an API accepting several methods got a credential of none: each method's own detail, and
 * each one's challenge (one WWW-Authenticate may list several, RFC 9110 §11.6.1).
 */
function noneMissing(methods: Hooks[]): () => GatewayError {
  const refusals = methods.map((m) => m.missing!());
  const detail = `send one of: ${refusals.map((r) => r.message).join('; ')}`;
  const challenges = [...new Set(refusals.map((r) => r.extra.headers?.['www-authenticate']))].filter(
    (c): c is string => c !== undefined,
  );
  const headers = challenges.length ? { 'www-authenticate': challenges.join(', ') } : undefined;
  return () => new GatewayError('credentials_missing', detail, headers ? { headers } : {});
}

/**
 * The auth phase as one step: the first accepted method that finds its credential decides — a bad credential
 * refuses at once, it never falls through to the next method (decision 0028); none found → 401. Synchronous
 * methods (API keys) stay synchronous.
 */
function authStep(methods: Hooks[]): RequestHook {
  if (methods.length === 1) {
    const authenticate = methods[0]!.authenticate!;
    const missing = methods[0]!.missing!;
    return function auth(call: RoutedCall) {
      const found = authenticate(call);
      if (found instanceof Promise)
        return found.then((result) => {
          if (!result) throw missing();
          call.auth = result;
        });
      if (!found) throw missing();
      call.auth = found;
    };
  }
  const missing = noneMissing(methods);
  return async function auth(call: RoutedCall) {
    for (const method of methods) {
      const found = await method.authenticate!(call);
      if (found) {
        call.auth = found;
        return;
      }
    }
    throw missing();
  };
}
