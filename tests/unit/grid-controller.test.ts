/**
 * The grid's parts (rows, save queue with undo and restore, selection, find and filters) driven through
 * the controller against a real core over a real SQLite file: the renderer's transport is the core's own
 * dispatch, and AG Grid is replaced by an array that implements the same port.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordData } from '../../shared/census/schema';
import { setTransport } from '../../renderer/src/api/client';
import { GridController } from '../../renderer/src/grid/controller';
import { LARGE_ACTION_CELLS } from '../../renderer/src/grid/saves';
import { DELTA, gridKeyAction } from '../../renderer/src/grid/keys';
import { ROW_NUMBER_COL, STATUS_COL, type GridRow } from '../../renderer/src/grid/model';
import type { GridPort, RowDiff } from '../../renderer/src/grid/port';
import { openCensusWithUnit, removeDir, type TestCore } from '../fixtures/core';
import { validPerson } from '../fixtures/records';

/** AG Grid's place: rows in stored order, filtered by the controller, one focused cell */
class ArrayPort implements GridPort {
  all: GridRow[] = [];
  shown: GridRow[] = [];
  focusAt: { row: number; colId: string } | null = null;
  constructor(private readonly ctrl: GridController) {}
  private refilter(): void {
    this.shown = this.all.filter((r) => this.ctrl.passesFilters(r));
  }
  rowCount = () => this.shown.length;
  rowAt = (i: number) => this.shown[i];
  indexOf = (id: string) => {
    const i = this.shown.findIndex((r) => r.id === id);
    return i < 0 ? null : i;
  };
  columnIds = () => [ROW_NUMBER_COL, STATUS_COL, ...this.ctrl.fields.map((f) => f.key)];
  focusedCell = () => this.focusAt;
  focus = (row: number, colId: string) => void (this.focusAt = { row, colId });
  reveal = () => {};
  redraw = () => {};
  filterChanged = () => this.refilter();
  rowsChanged = ({ add, update, remove }: RowDiff) => {
    const byId = new Map(update.map((r) => [r.id, r]));
    const gone = new Set(remove.map((r) => r.id));
    this.all = [...this.all.filter((r) => !gone.has(r.id)).map((r) => byId.get(r.id) ?? r), ...add];
    this.refilter();
  };
}

let t: TestCore;
let unitId: string;
let ctrl: GridController;
let port: ArrayPort;

async function withPersons(people: RecordData[]): Promise<string[]> {
  const create = people.map((p) => ({ id: randomUUID(), values: p }));
  await t.call('grid.apply', { table: 'person', create, changes: [], remove: [] });
  ctrl = new GridController('person');
  port = new ArrayPort(ctrl);
  ctrl.attachPort(port);
  await ctrl.load((rows) => port.rowsChanged({ add: rows, update: [], remove: [] }));
  return create.map((c) => c.id);
}

async function stored(id: string): Promise<RecordData> {
  return (await t.call('persons.get', { id })).row.data;
}

const col = (key: string) => port.columnIds().indexOf(key);

beforeEach(async () => {
  ({ t, unitId } = await openCensusWithUnit());
  setTransport({ invoke: (m, p) => t.core.dispatch(m, p), on: () => () => {} });
});

afterEach(() => {
  t.close();
  removeDir(t.dir);
});

describe('rows', () => {
  it('stops reading rows once the page leaves the grid, and reads on when React shows it again at once', async () => {
    // Three pages: the first 2,000 rows, then 25,000 and the rest
    const create = Array.from({ length: 30_000 }, (_, i) => ({ id: randomUUID(), values: { name: `人员${i}` } }));
    await t.call('grid.apply', { table: 'person', create, changes: [], remove: [] });
    const load = async (onFirst: (c: GridController) => void) => {
      const asked: string[] = [];
      setTransport({ invoke: (m, p) => (asked.push(m), t.core.dispatch(m, p)), on: () => () => {} });
      const c = new GridController('person');
      const p = new ArrayPort(c);
      c.attachPort(p);
      await c.load((rows) => {
        p.rowsChanged({ add: rows, update: [], remove: [] });
        onFirst(c);
      });
      return { asked: asked.filter((m) => m === 'grid.rows' || m === 'grid.issues'), rows: p.all.length, loading: c.status.loading };
    };
    // Left as its first rows showed: the request already out is the last one, and the issues are not read.
    const left = await load((c) => c.leftPage());
    expect(left.asked).toEqual(['grid.rows', 'grid.rows']);
    expect(left.rows).toBe(2000);
    // React's development double mount: left and shown again before anything else runs.
    const again = await load((c) => {
      c.leftPage();
      c.shownOnPage();
    });
    expect(again.asked).toEqual(['grid.rows', 'grid.rows', 'grid.rows', 'grid.issues']);
    expect(again.rows).toBe(30_000);
    expect(again.loading).toBe(false);
  });

  it('loads every row and its issues through the contract, and merges a reply in place', async () => {
    const ids = await withPersons([validPerson({ unitId }), { name: '李四' }]);
    expect(port.all.map((r) => r.id)).toEqual(ids);
    expect(ctrl.status.loading).toBe(false);
    const issues = await t.call('grid.issues', { table: 'person' });
    expect(ctrl.status.counts).toEqual(issues.counts);
    expect(ctrl.byId.get(ids[1]!)!.iss!.some((i) => i.rule === 'required' && i.field === 'urbanRural')).toBe(true);
    await ctrl.setCell(ids[1]!, 'urbanRural', { value: '1' });
    expect(ctrl.rows.text(port.rowAt(1)!, 'urbanRural')).toBe('城镇');
    expect(ctrl.byId.get(ids[1]!)!.iss!.some((i) => i.field === 'urbanRural')).toBe(false);
  });
});

describe('save queue', () => {
  it('saves actions in the order they were made, each one undo step; undo and redo go back through the core', async () => {
    const [id] = await withPersons([{ name: '甲' }]);
    void ctrl.setCell(id!, 'name', { text: '乙' });
    void ctrl.setCell(id!, 'name', { text: '丙' });
    await ctrl.settled();
    expect((await stored(id!)).name).toBe('丙');
    expect(ctrl.status.undoLabel).toBe('修改「姓名」');
    await ctrl.undoLast();
    expect((await stored(id!)).name).toBe('乙');
    await ctrl.undoLast();
    expect((await stored(id!)).name).toBe('甲');
    await ctrl.redoLast();
    expect((await stored(id!)).name).toBe('乙');
    expect(ctrl.status.saves).toBe(5);
  });

  it('an editor closed after its value was sent saves nothing more, and later editors save again, even after a throw', async () => {
    const [id] = await withPersons([{ name: '甲' }]);
    ctrl.commitEdit(id!, 'name', '乙');
    ctrl.closingSentEditor(() => ctrl.commitEdit(id!, 'name', '乙'));
    expect(() => ctrl.closingSentEditor(() => {
      ctrl.commitEdit(id!, 'name', '乙');
      throw new Error('AG Grid failed');
    })).toThrow('AG Grid failed');
    await ctrl.settled();
    expect(ctrl.status.saves).toBe(1);
    expect((await stored(id!)).name).toBe('乙');
    ctrl.commitEdit(id!, 'name', '丙');
    await ctrl.settled();
    expect(ctrl.status.saves).toBe(2);
    expect((await stored(id!)).name).toBe('丙');
  });

  it('removes control characters from pasted text and tells the clerk how many', async () => {
    const [id] = await withPersons([{ name: '甲' }]);
    await ctrl.setCell(id!, 'name', { text: '王\u0007小\u0000二' });
    await ctrl.settled();
    expect((await stored(id!)).name).toBe('王小二');
    expect(ctrl.status.notice).toBe('已删除 2 个不可见的控制字符（来自粘贴或输入的文字），请核对内容');
  });

  it('restore goes through the queue: after the edit made before it, and undoable', async () => {
    const [id] = await withPersons([{ name: '甲' }]);
    await ctrl.setCell(id!, 'name', { text: '乙' });
    const entry = (await t.call('history.list', { table: 'person', recordId: id! })).find((e) => e.field === 'name' && e.action === 'update')!;
    // An edit still on its way, then the restore: the restore must not overtake it.
    void ctrl.setCell(id!, 'name', { text: '丙' });
    const restored = ctrl.restore(id!, entry.id, 'old');
    expect(ctrl.status.save.kind).toBe('saving');
    await restored;
    expect((await stored(id!)).name).toBe('甲');
    expect(ctrl.status.undoLabel).toBe('恢复历史值');
    await ctrl.undoLast();
    expect((await stored(id!)).name).toBe('丙');
  });

  it('a large action is named before it is sent, a single edit is sent within the call', async () => {
    const ids = await withPersons(Array.from({ length: LARGE_ACTION_CELLS }, (_, i) => ({ name: `人员${i}` })));
    const sent: string[] = [];
    setTransport({ invoke: (m, p) => (sent.push(m), t.core.dispatch(m, p)), on: () => () => {} });
    const big = ctrl.setForRows(ids, 'urbanRural', { value: '1' }, '筛选后的');
    // Said at once, sent only after the browser could paint it.
    expect(sent).toEqual([]);
    expect(ctrl.status.save).toEqual({ kind: 'saving', large: { label: `将筛选后的 ${LARGE_ACTION_CELLS.toLocaleString('zh-CN')} 行的「城乡」设为同一值`, cells: LARGE_ACTION_CELLS } });
    await big;
    expect(sent).toEqual(['grid.apply']);
    expect(ctrl.status.save).toEqual({ kind: 'saved', label: `将筛选后的 ${LARGE_ACTION_CELLS.toLocaleString('zh-CN')} 行的「城乡」设为同一值` });
    expect((await stored(ids.at(-1)!)).urbanRural).toBe('1');
    const one = ctrl.setCell(ids[0]!, 'name', { text: '乙' });
    expect(sent).toEqual(['grid.apply', 'grid.apply']);
    expect(ctrl.status.save).toEqual({ kind: 'saving' });
    await one;
  });

  it('a refused action leaves the rows and the undo stack as they were and says why', async () => {
    const [id] = await withPersons([{ name: '甲' }]);
    await ctrl.saves.apply('坏的修改', { create: [{ id: 'not-a-uuid', values: {} }], changes: [{ id: id!, field: 'name', text: '乙' }], remove: [] });
    const save = ctrl.status.save;
    expect(save.kind).toBe('error');
    expect(save.kind === 'error' && /[\u4e00-\u9fff]/.test(save.message)).toBe(true);
    expect(ctrl.status.canUndo).toBe(false);
    expect((await stored(id!)).name).toBe('甲');
  });
});

describe('selection', () => {
  it('Ctrl+Shift+arrow extends to the edge of the data as Excel does; Ctrl+A selects all', async () => {
    await withPersons([{ name: 'a', phone: '13800000001' }, { name: 'b', phone: '13800000002' }, { name: 'c' }, { name: 'd', phone: '13800000004' }]);
    port.focus(0, 'phone');
    ctrl.sel.extendToEdge(...DELTA.down);
    expect(ctrl.sel.range).toEqual({ anchor: { row: 0, col: col('phone') }, focus: { row: 1, col: col('phone') } });
    ctrl.sel.extendToEdge(...DELTA.down);
    expect(ctrl.sel.range!.focus.row).toBe(3);
    ctrl.sel.extendToEdge(...DELTA.down);
    expect(ctrl.sel.range!.focus.row).toBe(3);
    expect(ctrl.sel.selectedRowIds()).toHaveLength(4);
    ctrl.sel.selectAll();
    expect(ctrl.sel.range).toEqual({ anchor: { row: 0, col: 0 }, focus: { row: 3, col: port.columnIds().length - 1 } });
  });

  it('a late report of the focus a range was made from is stale; a move elsewhere is not', async () => {
    await withPersons([{ name: 'a', phone: '13800000001' }, { name: 'b', phone: '13800000002' }, { name: 'c' }]);
    port.focus(0, 'phone');
    expect(ctrl.sel.isStaleFocus(0, 'phone')).toBe(false);
    ctrl.sel.extendRange(...DELTA.down);
    expect(ctrl.sel.isStaleFocus(0, 'phone')).toBe(true);
    expect(ctrl.sel.isStaleFocus(1, 'phone')).toBe(false);
    expect(ctrl.sel.isStaleFocus(0, 'name')).toBe(false);
    ctrl.sel.setRange(null);
    expect(ctrl.sel.isStaleFocus(0, 'phone')).toBe(false);
    // Ctrl+A with the focus elsewhere: a move to the range's corner is a move
    port.focus(2, 'name');
    ctrl.sel.selectAll();
    expect(ctrl.sel.isStaleFocus(0, ROW_NUMBER_COL)).toBe(false);
    expect(ctrl.sel.isStaleFocus(2, 'name')).toBe(true);
  });

  it('the key table maps chords to actions and leaves other keys to AG Grid', () => {
    const k = (key: string, mods: { ctrl?: boolean; shift?: boolean; alt?: boolean } = {}) =>
      gridKeyAction({ key, ctrlKey: !!mods.ctrl, metaKey: false, shiftKey: !!mods.shift, altKey: !!mods.alt });
    expect(k('z', { ctrl: true })).toEqual({ kind: 'undo' });
    expect(k('Z', { ctrl: true, shift: true })).toEqual({ kind: 'redo' });
    expect(k('ArrowDown', { ctrl: true, shift: true })).toEqual({ kind: 'extendToEdge', dir: 'down' });
    expect(k('ArrowLeft', { shift: true })).toEqual({ kind: 'extend', dir: 'left' });
    expect(k('Delete')).toEqual({ kind: 'clear' });
    expect(k('ArrowDown')).toBeNull();
    expect(k('a')).toBeNull();
    expect(k('1', { alt: true })).toBeNull();
  });
});

describe('find and filters', () => {
  it('find and the column filter accept pinyin initials; 只看此值 and the issue filter narrow the rows', async () => {
    const ids = await withPersons([
      validPerson({ name: '王小明', unitId, education: '20' }),
      validPerson({ name: '李春梅', unitId, idNumber: '440524188001010014', sex: '1', birthDate: '1880-01-01', education: '30' }),
      { name: '张伟', education: '20' },
    ]);
    expect(ctrl.find('lcm')).toBe(true);
    expect(port.focusAt).toEqual({ row: 1, colId: 'name' });
    expect(ctrl.find('nosuchthing')).toBe(false);

    ctrl.setFilter('education', { text: 'dxbk' });
    expect(port.shown.map((r) => r.id)).toEqual([ids[0], ids[2]]);
    expect(ctrl.status.shown).toBe(2);
    ctrl.setFilter('education', null);
    ctrl.onlyValue('education', '大学专科');
    expect(port.shown.map((r) => r.id)).toEqual([ids[1]]);
    ctrl.clearFilters();
    expect(port.shown).toHaveLength(3);

    const groups = ctrl.rows.issueSummary();
    const urban = groups.find((g) => g.rule === 'required' && g.field === 'urbanRural')!;
    expect(urban.count).toBe(1);
    ctrl.setIssueFilter({ field: 'urbanRural', rule: 'required', label: '必填项为空·城乡' });
    expect(port.shown.map((r) => r.id)).toEqual([ids[2]]);
  });

  it('sets one value for every filtered row as one action that one undo takes back', async () => {
    const ids = await withPersons([{ name: '甲' }, { name: '乙' }, { name: '丙', urbanRural: '2' }]);
    ctrl.setIssueFilter({ field: 'urbanRural', rule: 'required', label: '必填项为空·城乡' });
    expect(ctrl.sel.shownRowIds()).toEqual([ids[0], ids[1]]);
    await ctrl.setForRows(ctrl.sel.shownRowIds(), 'urbanRural', { value: '1' }, '筛选后的');
    expect((await stored(ids[0]!)).urbanRural).toBe('1');
    expect((await stored(ids[1]!)).urbanRural).toBe('1');
    expect((await stored(ids[2]!)).urbanRural).toBe('2');
    expect(ctrl.status.undoLabel).toBe('将筛选后的 2 行的「城乡」设为同一值');
    await ctrl.undoLast();
    expect((await stored(ids[0]!)).urbanRural).toBeNull();
    expect((await stored(ids[1]!)).urbanRural).toBeNull();
    expect(ctrl.status.canUndo).toBe(false);
  });
});
