#!/usr/bin/env node
// The `headcount` command. The core is TypeScript; tsx compiles it on the fly so a checkout needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../electron/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
