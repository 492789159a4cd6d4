// The `cors` member of an API's settings: off when absent; the admin API validates it with this schema.
import { z } from 'zod';

const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/; // RFC 9110 §5.6.2

export const corsSettings = z
  .object({
    /** Exact origins (`https://app.example.com`), or `*` for any origin (not with credentials). */
    origins: z
      .array(z.string().refine((o) => o === '*' || ORIGIN.test(o), 'must be * or scheme://host[:port]'))
      .min(1)
      .max(100),
    methods: z
      .array(z.string().regex(TOKEN, 'must be a method name'))
      .max(20)
      .default(['GET', 'HEAD', 'POST']),
    /** Request headers a browser may send (preflight `Access-Control-Allow-Headers`). */
    headers: z.array(z.string().regex(TOKEN, 'must be a header name')).max(50).default([]),
    /** Response headers a page may read (`Access-Control-Expose-Headers`). */
    exposeHeaders: z.array(z.string().regex(TOKEN, 'must be a header name')).max(50).default([]),
    credentials: z.boolean().default(false),
    /** How long a browser may cache a preflight answer, seconds. */
    maxAge: z.number().int().min(0).max(86_400).default(600),
  })
  .strict()
  // The CORS spec forbids `Access-Control-Allow-Origin: *` with credentials; browsers would refuse every call.
  .refine((c) => !(c.credentials && c.origins.includes('*')), {
    path: ['origins'],
    message: 'cannot be * when credentials is true',
  });

export type CorsSettings = z.infer<typeof corsSettings>;
