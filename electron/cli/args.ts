/** Argument parsing for the CLI on top of node:util parseArgs, with Chinese usage errors. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  override name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

export function parse<O extends Options>(argv: string[], options: O, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    const msg = e instanceof Error ? e.message.replace(/^Unknown option '([^']+)'.*/s, '不认识的参数 $1') : String(e);
    throw new UsageError(`${msg}\n用法：${usage}`);
  }
}

export function requireString(v: string | boolean | (string | boolean)[] | undefined, name: string, usage: string): string {
  if (typeof v !== 'string' || v === '') throw new UsageError(`缺少参数 --${name}\n用法：${usage}`);
  return v;
}

export function intOption(v: string | boolean | (string | boolean)[] | undefined, name: string, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`参数 --${name} 应为 ${min} 到 ${max} 之间的整数，现为「${String(v)}」`);
  return n;
}
