/** The grid's pure parts: clipboard TSV, range plans (paste, fill down, clear), undo steps, option search. */
import { describe, expect, it } from 'vitest';
import type { FieldValue } from '../../shared/census/schema';
import {
  formatTsv, parseTsv, planClear, planFillDown, planPaste, redoRequest, stepFromResult, undoRequest, UndoStack, type GridView,
} from '../../shared/grid';
import { codeIndex } from '../../renderer/src/grid/search';

describe('clipboard TSV', () => {
  it('reads what Excel and WPS put on the clipboard: quoted cells, CRLF, a trailing newline', () => {
    const text = 'a\t"b\tc"\t"say ""hi"""\r\n"line\r\nbreak"\t\tz\r\n';
    expect(parseTsv(text)).toEqual([
      ['a', 'b\tc', 'say "hi"'],
      ['line\r\nbreak', '', 'z'],
    ]);
  });

  it('keeps a lone quote inside a cell as text and a last row without a newline', () => {
    expect(parseTsv('5"\t6\nx')).toEqual([['5"', '6'], ['x']]);
    expect(parseTsv('"abc"def\t1')).toEqual([['"abc"def', '1']]);
    expect(parseTsv('')).toEqual([]);
    expect(parseTsv('\r\n')).toEqual([['']]);
  });

  it('writes TSV that reads back to the same cells', () => {
    const rows = [['王小明', 'a\tb', '"q"'], ['x\ny', '', '1']];
    const text = formatTsv(rows);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parseTsv(text)).toEqual(rows);
  });
});

/** A 3-row grid over [row#, name, education, domains] */
function view(rows: Record<string, FieldValue>[]): GridView {
  const keys = [null, 'name', 'education', 'domains'];
  return {
    rowCount: rows.length,
    colKeys: keys,
    rowId: (r) => `r${r}`,
    value: (r, c) => rows[r]![keys[c]!] ?? null,
    emptyOf: (k) => (k === 'domains' ? [] : null),
  };
}
const rows = [
  { name: '甲', education: '20', domains: ['01'] },
  { name: '乙', education: '30', domains: [] },
  { name: '丙', education: null, domains: ['02'] },
];

describe('range plans', () => {
  it('pastes a block from the focused cell and adds rows past the end', () => {
    let n = 0;
    const plan = planPaste(view(rows), { anchor: { row: 2, col: 1 }, focus: { row: 2, col: 1 } }, [['丁', '本科'], ['戊', '大专', 'x', 'y']], () => `new${n++}`);
    expect(plan.create).toEqual([{ id: 'new0', values: {} }]);
    expect(plan.changes).toEqual([
      { id: 'r2', field: 'name', text: '丁' },
      { id: 'r2', field: 'education', text: '本科' },
      { id: 'r2', field: 'domains', text: '' },
      { id: 'new0', field: 'name', text: '戊' },
      { id: 'new0', field: 'education', text: '大专' },
      { id: 'new0', field: 'domains', text: 'x' },
    ]);
    expect(plan.droppedColumns).toBe(1);
  });

  it('fills one copied value into the whole selected range, as Excel does', () => {
    const plan = planPaste(view(rows), { anchor: { row: 0, col: 2 }, focus: { row: 2, col: 2 } }, [['硕士']], () => 'x');
    expect(plan.changes.map((c) => c.id)).toEqual(['r0', 'r1', 'r2']);
    expect(plan.create).toEqual([]);
  });

  it('fills down from the top row of the range, or from the row above a one-row range; skips the row-number column', () => {
    const down = planFillDown(view(rows), { anchor: { row: 0, col: 0 }, focus: { row: 2, col: 2 } });
    expect(down.changes).toEqual([
      { id: 'r1', field: 'name', value: '甲' },
      { id: 'r2', field: 'name', value: '甲' },
      { id: 'r1', field: 'education', value: '20' },
      { id: 'r2', field: 'education', value: '20' },
    ]);
    const one = planFillDown(view(rows), { anchor: { row: 1, col: 3 }, focus: { row: 1, col: 3 } });
    expect(one.changes).toEqual([{ id: 'r1', field: 'domains', value: ['01'] }]);
    expect(planFillDown(view(rows), { anchor: { row: 0, col: 1 }, focus: { row: 0, col: 1 } }).changes).toEqual([]);
  });

  it('clears a range with each field’s empty value', () => {
    const plan = planClear(view(rows), { anchor: { row: 1, col: 2 }, focus: { row: 0, col: 3 } });
    expect(plan.changes).toEqual([
      { id: 'r0', field: 'education', value: null },
      { id: 'r0', field: 'domains', value: [] },
      { id: 'r1', field: 'education', value: null },
      { id: 'r1', field: 'domains', value: [] },
    ]);
  });
});

describe('undo steps', () => {
  const fields = ['name', 'sex'];
  it('records changed cells (derived ones included), created and removed rows, and inverts them', () => {
    const before = new Map([
      ['a', { name: '甲', sex: null }],
      ['b', { name: '乙', sex: '1' }],
    ]);
    const step = stepFromResult('粘贴', fields, before, [{ id: 'a', values: ['甲', '2'] }, { id: 'n', values: ['新', null] }], ['b']);
    expect(step.edits).toEqual([{ id: 'a', field: 'sex', before: null, after: '2' }]);
    expect(step.created).toEqual([{ id: 'n', values: { name: '新', sex: null } }]);
    expect(step.removed).toEqual([{ id: 'b', values: { name: '乙', sex: '1' } }]);
    expect(undoRequest(step)).toEqual({
      create: [{ id: 'b', values: { name: '乙', sex: '1' } }],
      changes: [{ id: 'a', field: 'sex', value: null }],
      remove: ['n'],
    });
    expect(redoRequest(step)).toEqual({
      create: [{ id: 'n', values: { name: '新', sex: null } }],
      changes: [{ id: 'a', field: 'sex', value: '2' }],
      remove: ['b'],
    });
  });

  it('forgets undone steps when a new one is pushed, and ignores empty steps', () => {
    const s = new UndoStack(2);
    const step = (label: string) => ({ label, edits: [{ id: 'a', field: 'name', before: null, after: label }], created: [], removed: [] });
    s.push(step('1'));
    s.push(step('2'));
    s.push(step('3'));
    expect(s.peekUndo()?.label).toBe('3');
    s.markUndone();
    expect(s.peekRedo()?.label).toBe('3');
    s.push({ label: 'empty', edits: [], created: [], removed: [] });
    expect(s.canRedo).toBe(true);
    s.push(step('4'));
    expect(s.canRedo).toBe(false);
    s.markUndone();
    s.markUndone();
    expect(s.canUndo).toBe(false);
  });
});

describe('picker search', () => {
  it('finds codes by Chinese text, code, alias and pinyin initials', () => {
    expect(codeIndex('majorCategory').search('shgz')[0]?.label).toBe('社会工作');
    expect(codeIndex('education').search('本科')[0]?.label).toBe('大学本科');
    expect(codeIndex('education').search('20')[0]?.label).toBe('大学本科');
    expect(codeIndex('education').search('dz')[0]?.label).toBe('大学专科');
    expect(codeIndex('idType').search('sfz')[0]?.label).toBe('居民身份证');
    expect(codeIndex('ethnicity').search('zzz')).toEqual([]);
  });
});
