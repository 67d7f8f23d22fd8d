#!/usr/bin/env node
// The `headcount` command. The core is TypeScript; tsx compiles it on the fly so a checkout needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main, fatal } = await import('../electron/cli/main.ts');
const die = (e) => {
  fatal(e);
  process.exit(1);
};
process.on('uncaughtException', die);
process.on('unhandledRejection', die);
process.exitCode = await main(process.argv.slice(2));
