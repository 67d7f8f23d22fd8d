/**
 * `headcount <command>`: batch work on a census database without the UI. Every command either
 * succeeds or prints one Chinese sentence saying what is wrong (no stack trace) and exits non-zero
 * without writing anything.
 */
import { ApiError } from '../../shared/api/errors';
import { plainFailure } from '../core/failure';
import { UsageError } from './args';
import { checkCommand } from './commands/check';
import { demoCommand } from './commands/demo';
import { feedbackCommands } from './commands/feedback';
import { infoCommand } from './commands/info';
import { initCommand } from './commands/init';
import { ioCommands } from './commands/io/index';
import { packagesCommands } from './commands/packages/index';
import { reportsCommands } from './commands/reports/index';
import type { Command, Io } from './command';

const commands: Record<string, Command> = {
  init: initCommand,
  demo: demoCommand,
  check: checkCommand,
  info: infoCommand,
  ...ioCommands,
  ...packagesCommands,
  ...feedbackCommands,
  ...reportsCommands,
};

function help(): string {
  return [
    'Headcount 社会工作专业人才全口径统计调查 — 命令行',
    '',
    ...Object.entries(commands).map(([name, c]) => `  headcount ${c.usage.padEnd(78)} ${c.summary}`),
    '',
    '退出码：0 成功；1 检查发现错误；2 参数或文件有误。',
  ].join('\n');
}

export const EXIT = { ok: 0, findings: 1, failure: 2 } as const;

export async function main(argv: string[], io: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(help() + '\n');
    return name ? EXIT.ok : EXIT.failure;
  }
  const command = commands[name];
  if (!command) {
    io.err(`不认识的命令「${name}」。\n\n${help()}\n`);
    return EXIT.failure;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ApiError) {
      io.err(`错误：${e.message}\n`);
      return EXIT.failure;
    }
    io.err(`${plainFailure(e).message}\n`);
    if (process.env.HEADCOUNT_DEBUG && e instanceof Error) io.err(`${e.stack ?? ''}\n`);
    return EXIT.failure;
  }
}

/** Last resort for an error that escaped every command (bin/headcount.mjs): one plain line, no stack. */
export function fatal(e: unknown): void {
  process.stderr.write(`${plainFailure(e).message}\n`);
  if (process.env.HEADCOUNT_DEBUG && e instanceof Error) process.stderr.write(`${e.stack ?? ''}\n`);
}
