// Entry of Headcount's parsing workers. The core is TypeScript run through tsx (CLI, bridge, tests),
// so the worker registers tsx's loader itself before loading its task (workers do not inherit it).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const tasks = { sheets: './sheets-task.ts', package: './package-task.ts' };
await import(new URL(tasks[workerData.task], import.meta.url).href);
