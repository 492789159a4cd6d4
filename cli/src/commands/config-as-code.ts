// export, diff and apply: the gateway's configuration as files.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { applyChanges } from '../declarative/apply.js';
import { currentObjects, exportDocument } from '../declarative/current.js';
import { desiredObjects } from '../declarative/desired.js';
import { loadDocuments } from '../declarative/load.js';
import { type Change, describe, planChanges } from '../declarative/plan.js';
import { documentJsonSchema } from '../declarative/schema.js';
import { CliError, exitCodes } from '../errors.js';
import type { Context } from './context.js';

interface PlanFlags {
  file: string;
  prune?: boolean;
  tenant?: string;
}

async function plan(ctx: Context, flags: PlanFlags) {
  const doc = loadDocuments(flags.file);
  const desired = desiredObjects(doc);
  const have = await currentObjects(ctx.api());
  const result = planChanges(desired.objects, have, { prune: !!flags.prune, tenant: flags.tenant });
  return { desired, have, ...result };
}

const summary = (changes: Change[]) =>
  changes.map((c) => ({ op: c.op, kind: c.kind, key: c.key, fields: c.fields }));

export function registerConfigCommands(program: Command, ctx: Context): void {
  program
    .command('export')
    .description('Write the gateway configuration as a declarative document (never a secret)')
    .option('--tenant <name>', 'only this tenant’s objects')
    .option('-f, --file <path>', 'write to this file instead of standard output')
    .action(async (flags: { tenant?: string; file?: string }) => {
      const doc = exportDocument(await currentObjects(ctx.api()), flags.tenant);
      const text = ctx.format() === 'json' ? `${JSON.stringify(doc, null, 2)}\n` : stringify(doc);
      if (flags.file) writeFileSync(flags.file, text);
      else ctx.print(text);
    });

  program
    .command('diff')
    .description('Show what `apply` would change')
    .requiredOption('-f, --file <path>', 'a file, or a folder of .yaml/.yml/.json files')
    .option('--prune', 'also list objects the files no longer hold, for deletion')
    .option('--tenant <name>', 'confine the comparison to one tenant')
    .option('--exit-code', `exit with ${exitCodes.changes} when there are changes`)
    .action(async (flags: PlanFlags & { exitCode?: boolean }) => {
      const { changes, unmanaged } = await plan(ctx, flags);
      if (ctx.format() !== 'table')
        ctx.out({ changes: summary(changes), unmanaged: unmanaged.map((u) => `${u.kind} ${u.key}`) });
      else {
        ctx.print(changes.length ? `${changes.map(describe).join('\n')}\n` : 'no changes\n');
        if (unmanaged.length)
          ctx.print(
            `not in the files (kept; --prune deletes them): ${unmanaged.map((u) => `${u.kind} ${u.key}`).join(', ')}\n`,
          );
      }
      if (flags.exitCode && changes.length) process.exitCode = exitCodes.changes;
    });

  program
    .command('apply')
    .description(
      'Make the gateway match the files: create, update and (with --prune) delete, in dependency order',
    )
    .requiredOption('-f, --file <path>', 'a file, or a folder of .yaml/.yml/.json files')
    .option('--prune', 'delete objects in scope that the files no longer hold')
    .option('--tenant <name>', 'confine the apply (and --prune) to one tenant')
    .action(async (flags: PlanFlags) => {
      const { desired, have, changes } = await plan(ctx, flags);
      const result = await applyChanges(ctx.api(), changes, desired, have);
      if (ctx.format() !== 'table')
        ctx.out({
          applied: summary(result.applied),
          failed: result.failed && { ...summary([result.failed.change])[0], error: result.failed.error },
        });
      else {
        ctx.print(
          result.applied.length || result.failed
            ? result.applied
                .map(describe)
                .map((l) => `${l}\n`)
                .join('')
            : 'no changes\n',
        );
        if (!result.failed) ctx.print(`applied ${result.applied.length} change(s)\n`);
      }
      if (result.failed) {
        const f = result.failed;
        throw new CliError(
          `apply stopped at ${f.change.op} ${f.change.kind} ${f.change.key}: ${f.error}\n` +
            `${result.applied.length} of ${changes.length} change(s) were applied (listed above); fix the cause and run apply again`,
          exitCodes.partial,
        );
      }
    });

  program
    .command('schema')
    .description('Print the JSON Schema of the declarative files (for editors)')
    .action(() => ctx.print(`${JSON.stringify(documentJsonSchema(), null, 2)}\n`));
}
