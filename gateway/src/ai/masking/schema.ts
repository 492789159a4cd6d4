// An AI or prompt API's masking guardrail (`settings.masking`): which patterns are masked in prompts before
// they leave the gateway, and whether in (non-streamed) answers too. Custom regexes are checked when written:
// one that could backtrack catastrophically (safe-regex2's star-height check) or match nothing at all is refused.
import safeRegex from 'safe-regex2';
import { z } from 'zod';
import { builtinNames } from './patterns.js';

const customPattern = z
  .object({
    name: z
      .string()
      .regex(
        /^[a-z][a-z0-9_-]{0,31}$/,
        'must be a lower-case letter then letters, digits, _ or - (32 at most)',
      ),
    regex: z.string().min(1).max(500).meta({ example: 'TCK-\\d{6}' }),
    /** `i`: case-insensitive. */
    ignoreCase: z.boolean().default(false),
    replacement: z
      .string()
      .max(100)
      .optional()
      .meta({ description: 'What a match becomes; `[NAME]` (the name in capitals) when absent.' }),
  })
  .strict()
  .superRefine((p, ctx) => {
    let compiled: RegExp;
    try {
      compiled = new RegExp(p.regex, p.ignoreCase ? 'iu' : 'u');
    } catch (err) {
      ctx.addIssue({
        code: 'custom',
        path: ['regex'],
        message: `is not a valid regex: ${(err as Error).message}`,
      });
      return;
    }
    if (!safeRegex(p.regex))
      ctx.addIssue({
        code: 'custom',
        path: ['regex'],
        message:
          'may backtrack catastrophically (a repetition inside a repetition) or uses syntax the safety check ' +
          'cannot read (lookbehind): rewrite it without them',
      });
    else if (compiled.test(''))
      ctx.addIssue({ code: 'custom', path: ['regex'], message: 'matches the empty string' });
  });

export const maskingSettings = z
  .object({
    patterns: z
      .array(z.union([z.enum(builtinNames), customPattern]))
      .min(1)
      .max(32)
      .superRefine((list, ctx) => {
        const names = list.map((p) => (typeof p === 'string' ? p : p.name));
        const twice = names.filter((n, i) => names.indexOf(n) !== i);
        if (twice.length)
          ctx.addIssue({ code: 'custom', message: `names used twice: ${[...new Set(twice)].join(', ')}` });
      })
      .default(['email', 'card', 'phone'])
      .meta({
        description:
          'Built-ins (`email`, `card`: numbers passing the Luhn check, `phone`) and custom regexes, applied in this order.',
      }),
    answers: z
      .boolean()
      .default(false)
      .meta({ description: 'Mask the answers too (whole answers; a stream is passed on unmasked).' }),
  })
  .strict();

export type MaskingSettings = z.output<typeof maskingSettings>;
