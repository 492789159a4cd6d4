// Api.settings for the AI kinds: validated by the admin API when an API is written, and read (once per
// snapshot) by the data plane. A prompt API's template and its declared variables must agree exactly.
import { z } from 'zod';
import { cacheSettings } from './cache/schema.js';
import { maskingSettings } from './masking/schema.js';
import { templateVariables } from './prompt-template.js';

const variableName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be a letter or _ then letters, digits or _ (64 at most)');

export const variableTypes = ['string', 'number', 'integer', 'boolean'] as const;

export const promptVariable = z
  .object({
    type: z.enum(variableTypes).default('string'),
    description: z.string().max(500).optional(),
    /** Strings only: longer values are refused (400), so a caller cannot stuff the prompt. */
    maxLength: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict();

export const promptSettings = z
  .object({
    /** Public name of a model of the API's tenant. */
    model: z.string().min(1).max(200),
    /** The user message; `{{name}}` is replaced by the variable's value. */
    template: z.string().min(1).max(100_000),
    /** An optional system message, sent as is (no variables). */
    system: z.string().max(100_000).optional(),
    variables: z.record(variableName, promptVariable),
    maxTokens: z.number().int().min(1).max(1_000_000).optional(),
    temperature: z.number().min(0).max(2).optional(),
    /** The masking guardrail (ai/masking): off unless given. */
    masking: maskingSettings.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const used = templateVariables(s.template);
    const declared = new Set(Object.keys(s.variables));
    const undeclared = [...used].filter((v) => !declared.has(v));
    const unused = [...declared].filter((v) => !used.has(v));
    if (undeclared.length)
      ctx.addIssue({
        code: 'custom',
        path: ['template'],
        message: `uses undeclared variables: ${undeclared.join(', ')}`,
      });
    if (unused.length)
      ctx.addIssue({
        code: 'custom',
        path: ['variables'],
        message: `declares variables the template does not use: ${unused.join(', ')}`,
      });
  });

export type PromptSettings = z.infer<typeof promptSettings>;

/** An `ai` API's settings; the object is kept strict so a typo is an error, not a silent no-op. */
export const aiSettings = z
  .object({
    /** The response cache (ai/cache): off unless given. */
    cache: cacheSettings.optional(),
    /** The masking guardrail (ai/masking): off unless given. */
    masking: maskingSettings.optional(),
  })
  .strict();

/** The settings schema for an API kind, or null for kinds whose settings are not the AI layer's. */
export function settingsSchemaFor(kind: string): z.ZodType | null {
  if (kind === 'prompt') return promptSettings;
  if (kind === 'ai') return aiSettings;
  return null;
}
