// `{{variable}}` templates for prompt APIs: which variables a template uses, checking a call's variables
// against the declared ones, and rendering in one pass (a value containing `{{x}}` is not expanded again).
import type { PromptSettings } from './settings.js';

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export function templateVariables(template: string): Set<string> {
  return new Set(Array.from(template.matchAll(PLACEHOLDER), (m) => m[1]!));
}

export interface VariableProblems {
  missing: string[];
  unexpected: string[];
  invalid: { name: string; message: string }[];
}

export function checkVariables(
  settings: PromptSettings,
  values: Record<string, unknown>,
): VariableProblems | null {
  const declared = settings.variables;
  const missing = Object.keys(declared).filter((name) => !Object.hasOwn(values, name));
  const unexpected = Object.keys(values).filter((name) => !Object.hasOwn(declared, name));
  const invalid: VariableProblems['invalid'] = [];
  for (const [name, spec] of Object.entries(declared)) {
    if (!Object.hasOwn(values, name)) continue;
    const v = values[name];
    const ok =
      spec.type === 'string'
        ? typeof v === 'string'
        : spec.type === 'boolean'
          ? typeof v === 'boolean'
          : typeof v === 'number' && Number.isFinite(v) && (spec.type === 'number' || Number.isInteger(v));
    if (!ok)
      invalid.push({ name, message: `must be ${spec.type === 'integer' ? 'an integer' : `a ${spec.type}`}` });
    else if (spec.maxLength !== undefined && typeof v === 'string' && v.length > spec.maxLength)
      invalid.push({ name, message: `must be at most ${spec.maxLength} characters` });
  }
  return missing.length || unexpected.length || invalid.length ? { missing, unexpected, invalid } : null;
}

export function describeProblems(p: VariableProblems): string {
  const parts: string[] = [];
  if (p.missing.length) parts.push(`missing variables: ${p.missing.join(', ')}`);
  if (p.unexpected.length) parts.push(`unexpected variables: ${p.unexpected.join(', ')}`);
  for (const i of p.invalid) parts.push(`${i.name} ${i.message}`);
  return parts.join('; ');
}

export function renderTemplate(template: string, values: Record<string, unknown>): string {
  return template.replace(PLACEHOLDER, (_, name: string) => String(values[name]));
}
