// Compares the desired objects with the gateway's and lists the changes in the order they can be applied:
// creates and updates parents first, deletes children first. Problems that would stop an apply half-way
// (a missing reference, a lifecycle step that cannot be taken) are found here, before anything is sent.
import { apiPaths, subscriptionPaths } from '../../../gateway/src/domain/lifecycle.js';
import { CliError, exitCodes } from '../errors.js';
import {
  type CurrentObject,
  changedFields,
  fullKey,
  type GatewayObject,
  type Kind,
  keyOf,
  kinds,
} from './model.js';

export interface Change {
  op: 'create' | 'update' | 'delete';
  kind: Kind;
  key: string;
  /** Only for updates: what differs. */
  fields?: { field: string; from: unknown; to: unknown }[];
  want?: GatewayObject;
  have?: CurrentObject;
}

export interface PlanOptions {
  prune: boolean;
  /** Confine the plan to one tenant's objects. */
  tenant?: string;
}

export function planChanges(
  want: Map<string, GatewayObject>,
  have: Map<string, CurrentObject>,
  options: PlanOptions,
): { changes: Change[]; unmanaged: CurrentObject[] } {
  const problems: string[] = [];
  const inScope = (o: GatewayObject) => options.tenant === undefined || o.tenant === options.tenant;
  for (const o of want.values()) {
    if (!inScope(o))
      problems.push(`${o.kind} ${o.key}: outside the tenant ${options.tenant} this apply is scoped to`);
    for (const n of o.needs)
      if (!want.has(n) && !have.has(n))
        problems.push(
          `${o.kind} ${o.key}: needs ${n.replace(':', ' ')}, which neither the files nor the gateway hold`,
        );
  }

  const changes: Change[] = [];
  for (const kind of kinds)
    for (const o of sorted(want, kind)) {
      const current = have.get(fullKey(o));
      if (!current) {
        changes.push({ op: 'create', kind, key: o.key, want: o });
        continue;
      }
      const fields = changedFields(o.fields, current.fields);
      if (fields.length === 0) continue;
      checkReachable(o, current, problems);
      changes.push({ op: 'update', kind, key: o.key, fields, want: o, have: current });
    }

  const gone = [...have.values()].filter((o) => inScope(o) && !want.has(fullKey(o)));
  if (options.prune)
    for (const kind of [...kinds].reverse())
      for (const o of gone.filter((g) => g.kind === kind).sort((a, b) => a.key.localeCompare(b.key))) {
        // Deleting an app or API takes its plans and subscriptions with it; list only what is deleted by itself.
        if (gone.some((p) => p !== o && isChildOf(o, p))) continue;
        changes.push({ op: 'delete', kind, key: o.key, have: o });
      }
  if (problems.length) throw new CliError(problems.join('\n'), exitCodes.usage);
  return { changes, unmanaged: options.prune ? [] : gone };
}

function sorted(objects: Map<string, GatewayObject>, kind: Kind): GatewayObject[] {
  const list = [...objects.values()]
    .filter((o) => o.kind === kind)
    .sort((a, b) => a.key.localeCompare(b.key));
  if (kind !== 'aiModel') return list;
  // A fallback model must exist before the model that names it.
  const done = new Set<string>();
  const out: GatewayObject[] = [];
  const visit = (o: GatewayObject, depth: number) => {
    if (done.has(o.key) || depth > list.length) return;
    for (const n of o.needs.filter((x) => x.startsWith('aiModel:'))) {
      const dep = list.find((m) => fullKey(m) === n);
      if (dep) visit(dep, depth + 1);
    }
    done.add(o.key);
    out.push(o);
  };
  for (const o of list) visit(o, 0);
  return out;
}

function checkReachable(o: GatewayObject, current: CurrentObject, problems: string[]): void {
  const table: Record<string, Partial<Record<string, string[]>>> | undefined =
    o.kind === 'api' ? apiPaths : o.kind === 'subscription' ? subscriptionPaths : undefined;
  if (!table) return;
  const from = current.fields.status as string;
  const to = o.fields.status as string;
  // A status no action leads back to (retired, or draft once published) is refused at plan time.
  if (from !== to && !table[from]?.[to]) problems.push(`${o.kind} ${o.key}: cannot go from ${from} to ${to}`);
  if (o.kind === 'api' && current.fields.kind !== o.fields.kind && from !== 'draft')
    problems.push(`api ${o.key}: its kind can change only while it is a draft`);
}

/** What the admin API deletes along with another object (a tenant takes everything it owns). */
function isChildOf(child: CurrentObject, parent: CurrentObject): boolean {
  if (parent.kind === 'tenant') return keyOf(child.tenant) === parent.key;
  if (child.kind === 'plan' && parent.kind === 'api') return child.key.startsWith(`${parent.key}/`);
  if (child.kind !== 'subscription') return false;
  if (parent.kind === 'app') return child.key.startsWith(`${parent.key}->`);
  return parent.kind === 'api' && child.key.endsWith(`->${parent.key}`);
}

/** `+ api payments/Echo`, `~ plan payments/Echo/gold: quota …`, `- app payments/old`. */
export function describe(change: Change): string {
  const head = `${{ create: '+', update: '~', delete: '-' }[change.op]} ${change.kind} ${change.key}`;
  if (change.op !== 'update') return head;
  const parts = change.fields!.map((f) => `${f.field}: ${JSON.stringify(f.from)} → ${JSON.stringify(f.to)}`);
  return `${head}\n${parts.map((p) => `    ${p}`).join('\n')}`;
}
