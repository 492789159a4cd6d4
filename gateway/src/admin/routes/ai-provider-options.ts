// The admin fields of an AI provider beyond type, base URL and keys: `preset` (presets.ts), Azure's
// `apiVersion` and `azureDeployments`, and extra `headers`; and the check that a provider's fields agree.
import { z } from 'zod';
import type { ProviderType } from '../../ai/ai-config.js';
import { AZURE_API_VERSION, type Preset, presetNames, presets } from '../../ai/presets.js';
import type { ProviderOptions } from '../../ai/provider-options.js';
import { type FieldError, validationFailed } from '../validation.js';

/** The gateway sets these itself (auth, framing, tracing): a provider's headers may not. */
const RESERVED = new Set([
  'authorization',
  'api-key',
  'x-api-key',
  'x-goog-api-key',
  'anthropic-version',
  'host',
  'content-type',
  'content-length',
  'transfer-encoding',
  'connection',
  'x-request-id',
  'via',
]);

export const preset = z.enum(presetNames).meta({
  description:
    'A named preset: its type and base URL (and Azure API version) are the defaults of this provider.',
});
export const apiVersion = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(-preview)?$/, 'must look like 2024-10-21 or 2025-04-01-preview')
  .meta({ description: `Azure only: the api-version query parameter (default ${AZURE_API_VERSION}).` });
export const azureDeployments = z
  .record(z.string().min(1).max(200), z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'not a deployment name'))
  .meta({
    description:
      'Azure only: upstream model name → deployment name; a model not listed is its own deployment.',
  });
export const headers = z
  .record(
    z
      .string()
      .regex(/^[A-Za-z0-9-]{1,100}$/, 'not a header name')
      .refine((h) => !RESERVED.has(h.toLowerCase()), 'is set by the gateway'),
    z.string().max(1000),
  )
  .refine((h) => Object.keys(h).length <= 20, 'at most 20 headers')
  .meta({ description: 'Sent on every call to the provider; not secret (shown by the admin API).' });

const SPEC_NEEDED = (field: string) => `is required (no preset gives a default ${field})`;

/** A provider's fields as the client sent them (creation: with an optional preset). */
export interface ProviderFields {
  preset?: keyof typeof presets | null | undefined;
  type?: ProviderType | undefined;
  baseUrl?: string | undefined;
  apiVersion?: string | null | undefined;
  azureDeployments?: Record<string, string> | undefined;
  headers?: Record<string, string> | undefined;
}

/** Type, base URL and options, from the fields and their preset; 400 naming each field that is wrong. */
export function resolveProvider(
  f: ProviderFields,
): { type: ProviderType; baseUrl: string } & ProviderOptions {
  const p: Preset | null = f.preset ? presets[f.preset] : null;
  const type = f.type ?? p?.type;
  const baseUrl = f.baseUrl ?? p?.baseUrl ?? undefined;
  const errors: FieldError[] = [];
  const refuse = (field: string, message: string) => errors.push({ in: 'body', field, message });
  if (!type) refuse('type', SPEC_NEEDED('type'));
  if (!baseUrl) refuse('baseUrl', SPEC_NEEDED('base URL'));
  if (p && f.type && f.type !== p.type) refuse('type', `preset ${f.preset} is of type ${p.type}`);
  if (type !== 'azure') {
    if (f.apiVersion) refuse('apiVersion', 'applies to providers of type azure only');
    if (f.azureDeployments && Object.keys(f.azureDeployments).length > 0)
      refuse('azureDeployments', 'applies to providers of type azure only');
  }
  if (errors.length > 0 || !type || !baseUrl) throw validationFailed(errors);
  return {
    type,
    baseUrl,
    preset: f.preset ?? null,
    apiVersion: type === 'azure' ? (f.apiVersion ?? AZURE_API_VERSION) : null,
    azureDeployments: type === 'azure' ? (f.azureDeployments ?? {}) : {},
    headers: { ...p?.headers, ...f.headers },
  };
}

/** What a preset named in a change sets, unless the change gives it too. */
export function presetDefaults(name: keyof typeof presets | null | undefined) {
  const p: Preset | null = name ? presets[name] : null;
  if (!p) return {};
  return { type: p.type, ...(p.baseUrl ? { baseUrl: p.baseUrl } : {}) };
}
