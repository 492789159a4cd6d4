// Named provider presets: a known service's type and base URL (and headers, where it needs some), so a
// provider is made with `{ "preset": "groq", "keys": [...] }`. The values are copied at creation (and may be
// overridden there); the preset's name stays on the provider for display.
import type { ProviderType } from './ai-config.js';

export interface Preset {
  type: ProviderType;
  /** Null when there is no common default (Azure: each resource has its own host). */
  baseUrl: string | null;
  apiVersion?: string;
  headers?: Record<string, string>;
}

/** Azure OpenAI's latest GA data-plane API version at the time of writing. */
export const AZURE_API_VERSION = '2024-10-21';

export const presets = {
  openai: { type: 'openai', baseUrl: 'https://api.openai.com/v1' },
  anthropic: { type: 'anthropic', baseUrl: 'https://api.anthropic.com/v1' },
  azure: { type: 'azure', baseUrl: null, apiVersion: AZURE_API_VERSION },
  gemini: { type: 'gemini', baseUrl: 'https://generativelanguage.googleapis.com/v1beta' },
  'gemini-openai': { type: 'openai', baseUrl: 'https://generativelanguage.googleapis.com/v1beta/openai' },
  mistral: { type: 'openai', baseUrl: 'https://api.mistral.ai/v1' },
  groq: { type: 'openai', baseUrl: 'https://api.groq.com/openai/v1' },
  deepseek: { type: 'openai', baseUrl: 'https://api.deepseek.com/v1' },
  // Self-hosted servers: their usual local address; give `baseUrl` for yours. They ignore the key's value.
  vllm: { type: 'openai', baseUrl: 'http://localhost:8000/v1' },
  ollama: { type: 'openai', baseUrl: 'http://localhost:11434/v1' },
} as const satisfies Record<string, Preset>;

export type PresetName = keyof typeof presets;
export const presetNames = Object.keys(presets) as [PresetName, ...PresetName[]];
