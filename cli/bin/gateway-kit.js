#!/usr/bin/env node
// Runs the TypeScript sources through tsx (a dependency of the repository), so the CLI needs no build step.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../src/main.ts');
process.exitCode = await run(process.argv.slice(2));
