// Applies an API's masking guardrail to what goes out: the provider request body of every attempt (prompts
// masked before they leave) and, when asked, the whole answer sent to the client. Only text members are
// touched (message contents and text parts, system prompts, embeddings and legacy inputs), whatever the
// provider format, so one walk serves OpenAI, Anthropic and any format added later.
import { aiUsageOf, type Call } from '../../data-plane/call.js';
import type { Api } from '../../domain/types.js';
import { builtins, type Counts, maskText, type Pattern } from './patterns.js';
import { type MaskingSettings, maskingSettings } from './schema.js';

/** Members whose string values (or arrays of strings) are text a person wrote or will read. */
const PROMPT_KEYS = new Set(['content', 'text', 'input', 'prompt', 'system', 'instructions']);
const ANSWER_KEYS = new Set(['content', 'text', 'output', 'output_text']);

interface Masking {
  patterns: Pattern[];
  answers: boolean;
}

const parsed = new WeakMap<Api, Masking | null>();

export function patternsOf(s: MaskingSettings): Pattern[] {
  return s.patterns.map((p) =>
    typeof p === 'string'
      ? builtins[p]
      : {
          name: p.name,
          regex: new RegExp(p.regex, p.ignoreCase ? 'giu' : 'gu'),
          replacement: p.replacement ?? `[${p.name.toUpperCase()}]`,
        },
  );
}

function maskingOf(api: Api | null): Masking | null {
  if (!api || (api.kind !== 'ai' && api.kind !== 'prompt')) return null;
  let m = parsed.get(api);
  if (m === undefined) {
    const raw = api.settings.masking;
    const r = raw === undefined ? null : maskingSettings.safeParse(raw);
    m = r?.success ? { patterns: patternsOf(r.data), answers: r.data.answers } : null;
    parsed.set(api, m);
  }
  return m;
}

/** A copy of `value` with the text under `keys` masked; untouched parts are shared, not copied. */
export function maskJson(
  value: unknown,
  keys: ReadonlySet<string>,
  patterns: Pattern[],
  counts: Counts,
): unknown {
  const walk = (v: unknown, textual: boolean): unknown => {
    if (typeof v === 'string') return textual ? maskText(v, patterns, counts) : v;
    if (Array.isArray(v)) return v.map((x) => walk(x, textual));
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, keys.has(k))]));
    return v;
  };
  return walk(value, false);
}

/** The provider body with the prompt masked; the counts of the latest attempt's body go on the call. */
export function maskPrompt(call: Call, body: Record<string, unknown>): Record<string, unknown> {
  const m = maskingOf(call.api);
  if (!m) return body;
  const counts: Counts = {};
  const out = maskJson(body, PROMPT_KEYS, m.patterns, counts) as Record<string, unknown>;
  const usage = aiUsageOf(call);
  usage.masked = { ...usage.masked, prompt: counts };
  return out;
}

/** A whole answer with its text masked, when the API asks for it. */
export function maskAnswer(call: Call, body: unknown): unknown {
  const m = maskingOf(call.api);
  if (!m?.answers) return body;
  const counts: Counts = {};
  const out = maskJson(body, ANSWER_KEYS, m.patterns, counts);
  const usage = aiUsageOf(call);
  usage.masked = { ...usage.masked, answer: counts };
  return out;
}
