/** The renderer's pure rules: routes, the token hand-off, list formatting, form values, setup checks. */
import { describe, expect, it } from 'vitest';
import { idCheckChar } from '../../shared/census/checks';
import { field, personFields, unitFields } from '../../shared/census/dictionary';
import { completeRecord, countIssues, fieldGroups, integerValue, issuesByField, setField, textValue } from '../../renderer/src/lib/form';
import { displayValue, localDateTime, maskIdNumber, screenValue } from '../../renderer/src/lib/format';
import { undoScope } from '../../renderer/src/pages/io/history-text';
import { formatRoute, parseHash, type Route } from '../../renderer/src/lib/route';
import { validateSetup } from '../../renderer/src/lib/setup';
import { extractToken, takeToken, TOKEN_STORAGE_KEY } from '../../renderer/src/lib/token';
import { historyNoteText } from '../../renderer/src/grid/history-note';

describe('hash routes', () => {
  it('round-trips every route, including ids that need escaping', () => {
    const routes: Route[] = [
      { page: 'home' },
      { page: 'issues' },
      { page: 'list', table: 'person' },
      { page: 'list', table: 'unit' },
      { page: 'form', table: 'person', id: null },
      { page: 'form', table: 'unit', id: '2b9c/1 x' },
    ];
    for (const r of routes) expect(parseHash(formatRoute(r))).toEqual(r);
  });

  it('sends unknown addresses to the home page', () => {
    expect(parseHash('')).toEqual({ page: 'home' });
    expect(parseHash('#/nothing/here')).toEqual({ page: 'home' });
  });
});

describe('token hand-off', () => {
  it('splits the token off and keeps other parameters', () => {
    expect(extractToken('?token=abc&lang=zh')).toEqual({ token: 'abc', rest: '?lang=zh' });
    expect(extractToken('?token=')).toEqual({ token: null, rest: '' });
    expect(extractToken('')).toEqual({ token: null, rest: '' });
  });

  function env(search: string, stored: string | null) {
    const store = new Map<string, string>(stored ? [[TOKEN_STORAGE_KEY, stored]] : []);
    const urls: string[] = [];
    return {
      urls,
      store,
      env: {
        location: { search, pathname: '/', hash: '#/persons' },
        history: { replaceState: (_d: unknown, _t: string, url?: string | URL | null) => void urls.push(String(url)) },
        storage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) },
      },
    };
  }

  it('stores a token from the address and removes it from the address bar', () => {
    const e = env('?token=t1', null);
    expect(takeToken(e.env)).toBe('t1');
    expect(e.store.get(TOKEN_STORAGE_KEY)).toBe('t1');
    expect(e.urls).toEqual(['/#/persons']);
  });

  it('prefers a new token in the address over a stored one, and falls back to the stored one on reload', () => {
    const fresh = env('?token=new', 'old');
    expect(takeToken(fresh.env)).toBe('new');
    expect(fresh.store.get(TOKEN_STORAGE_KEY)).toBe('new');
    const reload = env('', 'old');
    expect(takeToken(reload.env)).toBe('old');
    expect(reload.urls).toEqual([]);
    expect(takeToken(env('', null).env)).toBeNull();
  });
});

describe('list formatting', () => {
  it('masks the middle of an ID number', () => {
    expect(maskIdNumber('11010519491231002X')).toBe('110105********002X');
    expect(maskIdNumber('')).toBe('');
    expect(maskIdNumber('12345')).toBe('12*45');
  });

  it('shows codes, booleans, domains, units and townships by their names', () => {
    expect(displayValue(field('person', 'sex'), '2')).toBe('女');
    expect(displayValue(field('person', 'qualLevel'), '2')).toBe('社会工作师');
    expect(displayValue(field('person', 'qualLevel'), '7')).toBe('7');
    expect(displayValue(field('person', 'domains'), ['01', '10'])).toBe('社区治理、社会救助');
    expect(displayValue(field('person', 'swPost'), true)).toBe('是');
    expect(displayValue(field('person', 'swPost'), null)).toBe('');
    expect(displayValue(field('person', 'unitId'), 'u1', { units: new Map([['u1', '阳光社工']]) })).toBe('阳光社工');
    expect(displayValue(field('person', 'unitId'), 'u2', { units: new Map() })).toBe('（未知单位）');
    expect(displayValue(field('unit', 'township'), '110101001', { townships: new Map([['110101001', '东华门街道']]) })).toBe('东华门街道');
  });
});

describe('table values on screen', () => {
  it('groups counts past a thousand, as the Excel tables do, and leaves years, rates and ratios as formatValue gives them', () => {
    expect(screenValue(1_000_000, 'integer')).toBe('1,000,000');
    expect(screenValue(45091, 'integer')).toBe('45,091');
    expect(screenValue(600, 'integer')).toBe('600');
    expect(screenValue(0, 'integer')).toBe('0');
    expect(screenValue(2027, 'year')).toBe('2027');
    expect(screenValue(0.4525, 'percent')).toBe('45.3%');
    expect(screenValue(1234.567, 'decimal')).toBe('1234.57');
    expect(screenValue(null, 'integer')).toBe('');
  });
});

describe('form values', () => {
  it('groups every field of both tables exactly once, in the dictionary groups', () => {
    for (const [table, fields] of [['person', personFields], ['unit', unitFields]] as const) {
      const keys = fieldGroups(table).flatMap((g) => g.fields.map((f) => f.key));
      expect(keys.sort()).toEqual(fields.filter((f) => !f.carried).map((f) => f.key).sort());
    }
    expect(fieldGroups('person').map((g) => g.group)).toEqual(['基本信息', '学历与资格', '单位与岗位', '服务与培训']);
  });

  it('fills sex and birth date from a valid ID number only', () => {
    const first17 = '11010119900307001';
    const good = first17 + idCheckChar(first17);
    const empty = completeRecord('person', null);
    const r = setField('person', empty, 'idNumber', good);
    expect(r.data.sex).toBe('1');
    expect(r.data.birthDate).toBe('1990-03-07');
    expect(r.derived.sort()).toEqual(['birthDate', 'sex']);

    const bad = first17 + (idCheckChar(first17) === '0' ? '1' : '0');
    const r2 = setField('person', empty, 'idNumber', bad);
    expect(r2.data.sex).toBeNull();
    expect(r2.derived).toEqual([]);
    expect(empty.idNumber).toBeNull();
  });

  it('keeps a loaded record complete and typed', () => {
    const r = completeRecord('unit', { name: '甲单位', staffCount: 3 });
    expect(Object.keys(r).sort()).toEqual(unitFields.map((f) => f.key).sort());
    expect(r.staffCount).toBe(3);
    expect(r.township).toBeNull();
  });

  it('reads text and number inputs', () => {
    expect(textValue(field('person', 'idNumber'), ' 11010519491231002x ')).toBe('11010519491231002X');
    expect(textValue(field('person', 'name'), '   ')).toBeNull();
    expect(integerValue('')).toBeNull();
    expect(integerValue(' 2015 ')).toBe(2015);
    expect(integerValue('20.5')).toBeUndefined();
    expect(integerValue('abc')).toBeUndefined();
  });

  it('puts errors before warnings beside a field and counts both', () => {
    const base = { table: 'person' as const, recordId: 'r', field: 'phone', rule: 'x' };
    const list = [
      { ...base, severity: 'warning' as const, message: 'w' },
      { ...base, rule: 'y', severity: 'error' as const, message: 'e' },
    ];
    expect(issuesByField(list).get('phone')?.map((i) => i.message)).toEqual(['e', 'w']);
    expect(countIssues(list)).toEqual({ error: 1, warning: 1 });
  });
});

describe('setup checks', () => {
  const area = { code: '110101', name: '东城区', level: 'county' as const, parentCode: '110100', path: '北京市 / 东城区' };

  it('names every missing item in Chinese', () => {
    expect(validateSetup({ area: null, level: 'county', refDate: '', officeName: ' ', operator: '' })).toEqual({
      area: '请选择统计地区：输入名称或代码后，从列表中选择',
      refDate: '请填写统计时点',
      officeName: '请填写填报单位',
      operator: '请填写操作员',
    });
  });

  it('rejects an impossible date and an area of the wrong level', () => {
    const e = validateSetup({ area, level: 'city', refDate: '2026-02-30', officeName: '民政局', operator: '李明' });
    expect(e.area).toBe('所选地区与统计层级不一致，请重新选择');
    expect(e.refDate).toContain('不是有效日期');
  });

  it('accepts a complete form', () => {
    expect(validateSetup({ area, level: 'county', refDate: '2026-12-31', officeName: '民政局', operator: '李明' })).toEqual({});
  });
});

describe('history notes', () => {
  it('say in words why an entry was written without a person typing it', () => {
    expect(historyNoteText('person', JSON.stringify({ derivedFrom: 'majorName' }))).toBe('导入时由「专业名称」推导');
    expect(historyNoteText('person', JSON.stringify({ derivedFrom: 'unitId' }))).toContain('推导');
    expect(historyNoteText('unit', JSON.stringify({ derivedFrom: 'persons' }))).toBe('导入时由该单位人员的填报推导');
    expect(historyNoteText('person', JSON.stringify({ fill: true }))).toBe('导入时为整个文件统一填写');
    expect(historyNoteText('person', JSON.stringify({ undoImport: 'i1' }))).toBe('撤销导入');
    expect(historyNoteText('person', JSON.stringify({ unitLinked: '鹿城镇社工站' }))).toBe('按单位名称「鹿城镇社工站」关联到已登记的单位');
    expect(historyNoteText('person', null)).toBeNull();
    expect(historyNoteText('person', 'not json')).toBeNull();
  });
});

describe('times and import history text', () => {
  it('shows a stored UTC time on the clerk\'s own clock, not as the ISO text', () => {
    const tz = process.env.TZ;
    try {
      process.env.TZ = 'Asia/Shanghai';
      expect(localDateTime('2026-12-03T00:55:07.123Z')).toBe('2026-12-03 08:55:07');
      expect(localDateTime('2026-12-31T17:30:00.000Z', false)).toBe('2027-01-01 01:30');
      process.env.TZ = 'UTC';
      expect(localDateTime('2026-12-03T00:55:07.123Z', false)).toBe('2026-12-03 00:55');
      expect(localDateTime('不是时间')).toBe('不是时间');
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  it('says how much an undo removes and puts back, summed over the import\'s files', () => {
    const batch = (files: { added: number; updated: number; unitsAdded: number }[]) => ({
      id: 'x', at: '2026-12-03T00:55:00.000Z', operator: '李明', undoneAt: null, undoBlocked: null,
      files: files.map((f, i) => ({ file: `f${i}.xlsx`, openIssues: 0, ...f })),
    });
    expect(undoScope(batch([{ added: 60000, updated: 0, unitsAdded: 0 }, { added: 40000, updated: 0, unitsAdded: 0 }]))).toBe('删除新增的 100,000 条记录');
    expect(undoScope(batch([{ added: 150, updated: 2, unitsAdded: 5 }, { added: 125, updated: 0, unitsAdded: 6 }])))
      .toBe('删除新增的 275 条记录和导入时新建的 11 个单位，把更新过的 2 条记录恢复为导入前的内容');
    expect(undoScope(batch([{ added: 0, updated: 3, unitsAdded: 0 }]))).toBe('删除新增的 0 条记录，把更新过的 3 条记录恢复为导入前的内容');
  });
});
