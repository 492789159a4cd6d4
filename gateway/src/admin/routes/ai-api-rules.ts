// Rules an API must keep because of its kind: a rest API forwards, so it needs a target; `ai` and `prompt`
// APIs are answered by the AI layer and need none; /ai/v1 (the contract's unified endpoint) is for kind ai.
import type { Api } from '../../domain/types.js';
import { validationFailed } from '../validation.js';

export const AI_ENDPOINT = '/ai/v1';

export function checkKindRules(api: Pick<Api, 'kind' | 'basePath' | 'targets'>): void {
  if (api.kind === 'rest' && api.targets.length === 0)
    throw validationFailed([
      { in: 'body', field: 'targets', message: 'a rest API needs at least one target' },
    ]);
  if (api.kind !== 'ai' && (api.basePath === AI_ENDPOINT || api.basePath.startsWith(`${AI_ENDPOINT}/`)))
    throw validationFailed([
      { in: 'body', field: 'basePath', message: `${AI_ENDPOINT} is kept for APIs of kind ai` },
    ]);
}
