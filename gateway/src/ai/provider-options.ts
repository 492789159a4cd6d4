// What a provider is beyond type, base URL and keys: the preset it was made from, Azure's API version and
// azureDeployments, and extra headers sent on every call. Stored as one JSON column (ai_providers.options).

export interface ProviderOptions {
  /** The named preset the provider was created from (presets.ts), for display: the values were copied. */
  preset: string | null;
  /** Azure OpenAI's `api-version` query parameter. */
  apiVersion: string | null;
  /** Azure OpenAI: upstream model name → deployment name (a model not listed is its own deployment). */
  azureDeployments: Record<string, string>;
  /** Sent on every call to the provider (e.g. OpenRouter's HTTP-Referer); not secret, shown by the admin API. */
  headers: Record<string, string>;
}

export const NO_OPTIONS: ProviderOptions = Object.freeze({
  preset: null,
  apiVersion: null,
  azureDeployments: {},
  headers: {},
});

export function parseOptions(stored: string | null | undefined): ProviderOptions {
  if (!stored) return NO_OPTIONS;
  const o = JSON.parse(stored) as Partial<ProviderOptions>;
  return {
    preset: o.preset ?? null,
    apiVersion: o.apiVersion ?? null,
    azureDeployments: o.azureDeployments ?? {},
    headers: o.headers ?? {},
  };
}

/** The column's value: null when there is nothing beyond the defaults. */
export function storedOptions(o: ProviderOptions): string | null {
  const empty =
    o.preset === null &&
    o.apiVersion === null &&
    Object.keys(o.azureDeployments).length === 0 &&
    Object.keys(o.headers).length === 0;
  return empty ? null : JSON.stringify(o);
}
