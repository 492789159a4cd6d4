// Reads and checks an OpenAPI document an API's owner uploads: JSON or YAML (parsed by `yaml`, aliases capped),
// OpenAPI 3.0 or 3.1 only, structurally valid against the official schema and with every local $ref resolving
// (@seriousme/openapi-schema-validator: ajv and the bundled schemas, nothing fetched). A bad document is one
// 400 whose `errors` name where in the document each problem is.
import { Validator } from '@seriousme/openapi-schema-validator';
import { parseDocument } from 'yaml';
import { type FieldError, validationFailed } from './validation.js';

/** Larger than the admin API's JSON cap (256 KiB): real-world documents of a few hundred operations fit. */
export const MAX_SPEC_BYTES = 2 * 1024 * 1024;
export const specMediaTypes = [
  'application/json',
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
] as const;
/** At most this many problems are listed; the first ones are enough to fix a document and try again. */
const MAX_ERRORS = 20;

export interface CheckedSpec {
  document: Record<string, unknown>;
  openapi: string;
  title: string;
  version: string;
}

const problem = (field: string, message: string): FieldError => ({ in: 'body', field, message });
const refuse = (errors: FieldError[]) => validationFailed(errors.slice(0, MAX_ERRORS));

/** `/paths/~1pets/get` → `paths./pets.get`, the dotted form the admin API's other errors use. */
function fieldOf(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .join('.');
}

function parse(text: string, asJson: boolean): unknown {
  if (!text.trim()) throw refuse([problem('', 'the body is empty: send the OpenAPI document')]);
  if (asJson) {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw refuse([problem('', `not valid JSON: ${(err as Error).message}`)]);
    }
  }
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw refuse(
      doc.errors.map((e) => {
        const at = e.linePos?.[0];
        const what = e.message.split('\n')[0];
        return problem('', `not valid YAML${at ? ` (line ${at.line}, column ${at.col})` : ''}: ${what}`);
      }),
    );
  }
  try {
    // toJS caps alias expansion (a "billion laughs" document fails here instead of eating the heap).
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw refuse([problem('', `not usable YAML: ${(err as Error).message}`)]);
  }
}

// One validator for the process: it compiles each OpenAPI version's schema once (~0.2 s), then checks in ~1 ms.
// validate() has no await between taking a document and checking it, so concurrent calls do not mix.
let validator: Validator | undefined;

export async function checkSpec(text: string, asJson: boolean): Promise<CheckedSpec> {
  const value = parse(text, asJson);
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw refuse([problem('', 'an OpenAPI document is an object')]);
  const document = value as Record<string, unknown>;
  const openapi = document.openapi;
  if (typeof openapi !== 'string' || !/^3\.[01]\.\d+$/.test(openapi)) {
    const swagger =
      'swagger' in document ? ' (Swagger 2.0 is not accepted: convert it to OpenAPI 3 first)' : '';
    throw refuse([problem('openapi', `must be an OpenAPI version 3.0.x or 3.1.x${swagger}`)]);
  }
  validator ??= new Validator();
  const result = await validator.validate(structuredClone(document));
  if (!result.valid) {
    const errors =
      typeof result.errors === 'string'
        ? [problem('', result.errors)]
        : (result.errors ?? []).map((e) => problem(fieldOf(e.instancePath), e.message ?? e.keyword));
    const unique = new Map(errors.map((e) => [`${e.field} ${e.message}`, e]));
    throw refuse(unique.size > 0 ? [...unique.values()] : [problem('', 'not a valid OpenAPI document')]);
  }
  const info = document.info as { title: string; version: string };
  return { document, openapi, title: info.title, version: info.version };
}
