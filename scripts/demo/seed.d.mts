// Types of seed.mjs (plain JavaScript so that compose's seed service runs it without a build).
export function seed(
  base: string,
  adminToken: string,
  echoUrl: string,
  llmUrl: string,
): Promise<{ readonly key: string }>;
