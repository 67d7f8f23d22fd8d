/**
 * Reviewed overrides on top of the generated source (resources/divisions-overrides.tsv).
 * Tab-separated, five columns: action, code, name, parent, reason. `#` lines and blank lines are
 * ignored, and so is a header row starting with `action`.
 *
 *   add     code name [parent] reason   a division the source lacks (empty parent = the code's prefix)
 *   rename  code name          reason   a new name for an existing code
 *   remove  code               reason   drops the code and everything below it
 *
 * The reason column is mandatory because every row changes official data and must say why.
 */
import { type DivisionRow, levelFromCode, parentCodeLength, prefixParent } from './format';

export type OverrideAction = 'add' | 'rename' | 'remove';

export interface DivisionOverride {
  /** 1-based line in the overrides text, for error messages. */
  line: number;
  action: OverrideAction;
  code: string;
  name: string;
  parent: string | null;
  reason: string;
}

export class OverrideError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OverrideError';
  }
}

const ACTIONS: readonly OverrideAction[] = ['add', 'rename', 'remove'];

function isAction(s: string): s is OverrideAction {
  return (ACTIONS as readonly string[]).includes(s);
}

export function parseOverrides(text: string): DivisionOverride[] {
  const out: DivisionOverride[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) return;
    const cols = raw.split('\t').map((c) => c.trim());
    const [action = '', code = '', name = '', parent = '', reason = ''] = cols;
    if (action === 'action') return;
    const where = `覆盖文件第 ${line} 行`;
    if (cols.length !== 5) throw new OverrideError(`${where}应有 5 列（操作、代码、名称、上级代码、原因，以制表符分隔），实际 ${cols.length} 列`);
    if (!isAction(action)) throw new OverrideError(`${where}操作“${action}”无效，应为 add、rename 或 remove`);
    const level = levelFromCode(code);
    if (level === null) throw new OverrideError(`${where}代码“${code}”无效，应为 2、4、6 或 9 位数字`);
    if (reason === '') throw new OverrideError(`${where}缺少原因：每条覆盖都要写明依据`);
    if (action === 'remove' && (name !== '' || parent !== '')) throw new OverrideError(`${where}remove 不应填写名称和上级代码`);
    if (action !== 'remove' && name === '') throw new OverrideError(`${where}${action} 需要填写名称`);
    if (action === 'rename' && parent !== '') throw new OverrideError(`${where}rename 只改名称，不应填写上级代码`);
    if (action === 'add') {
      const len = parentCodeLength(level);
      if (len === null && parent !== '') throw new OverrideError(`${where}省级单位不应有上级代码`);
      if (len !== null && parent !== '' && (parent.length !== len || !/^\d+$/.test(parent))) {
        throw new OverrideError(`${where}上级代码“${parent}”应为 ${len} 位数字`);
      }
    }
    out.push({
      line,
      action,
      code,
      name,
      parent: action === 'add' ? parent || prefixParent(code) : null,
      reason,
    });
  });
  return out;
}

/** Applies overrides in file order; fails loudly when one no longer fits the source. */
export function applyOverrides(rows: readonly DivisionRow[], overrides: readonly DivisionOverride[]): DivisionRow[] {
  const byCode = new Map<string, DivisionRow>();
  for (const r of rows) byCode.set(r.code, { ...r });
  for (const o of overrides) {
    const where = `覆盖文件第 ${o.line} 行（${o.action} ${o.code}）`;
    const existing = byCode.get(o.code);
    if (o.action === 'add') {
      if (existing) throw new OverrideError(`${where}：代码已存在（${existing.name}），如需改名请用 rename`);
      if (o.parent !== null && !byCode.has(o.parent)) throw new OverrideError(`${where}：上级代码 ${o.parent} 不存在`);
      byCode.set(o.code, { code: o.code, name: o.name, parent: o.parent });
    } else if (!existing) {
      throw new OverrideError(`${where}：代码不存在，可能来源数据已包含这项变更，请复核后删除这一行`);
    } else if (o.action === 'rename') {
      if (existing.name === o.name) throw new OverrideError(`${where}：名称已是“${o.name}”，请复核后删除这一行`);
      existing.name = o.name;
    } else {
      const gone = new Set([o.code]);
      // Shorter codes first so a parent is marked before its children are visited.
      const ordered = [...byCode.values()].sort((a, b) => a.code.length - b.code.length);
      for (const r of ordered) if (r.parent !== null && gone.has(r.parent)) gone.add(r.code);
      for (const c of gone) byCode.delete(c);
    }
  }
  return [...byCode.values()];
}
