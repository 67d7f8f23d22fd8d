/** The pure spreadsheet layer: header mapping, header-row detection, row kinds, row normalisation, escaping. */
import { describe, expect, it } from 'vitest';
import { personFields } from '../../shared/census/dictionary';
import {
  cellValue, classifyRow, escapeFormula, findHeaderRow, headerKey, mapHeaders, normalizeRow, unescapeFormula,
  UNIT_CREDIT_CODE, type Cell, type ColumnMapping,
} from '../../shared/io';
import { makeIdNumber } from '../fixtures/township-returns';

const f = (key: string) => personFields.find((x) => x.key === key)!;

describe('header mapping', () => {
  it.each([
    ['身份证号', 'idNumber'], ['身份证号码', 'idNumber'], ['公民身份号码', 'idNumber'], ['证件号码', 'idNumber'],
    ['出生年月', 'birthDate'], ['出生日期', 'birthDate'], ['学历', 'education'], ['文化程度', 'education'],
    ['职业资格', 'qualLevel'], ['持证情况', 'qualLevel'], ['社工证等级', 'qualLevel'],
    ['乡镇(街道)', 'township'], ['工作地乡镇（街道）', 'township'], ['单位名称', 'unitId'],
    ['统一社会信用代码', UNIT_CREDIT_CODE],
  ])('maps the persons header %s to %s', (header, key) => {
    expect(mapHeaders('person', [header])[0]).toMatchObject({ field: key, index: 0 });
  });

  it('ignores required markers, hints in brackets, spaces and line breaks in headers', () => {
    expect(headerKey('*姓 名')).toBe(headerKey('姓名'));
    expect(mapHeaders('person', ['证件号码\n（18位）', '服务领域(可多选)', '＊学历（必填）']).map((c) => c.field)).toEqual(['idNumber', 'domains', 'education']);
  });

  it('guesses a header that contains a known name, marks it as a guess, and never takes a field twice', () => {
    const m = mapHeaders('person', ['姓名', '联系电话（手机）', '人员姓名及曾用名']);
    expect(m[1]).toMatchObject({ field: 'phone', how: 'guess' });
    // 姓名 is already mapped exactly: the second column is left for the user
    expect(m[2]).toMatchObject({ field: null, how: 'none' });
  });

  it('prefers an explicit choice, then a remembered one, over the dictionary', () => {
    const m = mapHeaders('person', ['电话', '备注', '姓名'], {
      remembered: { person: { [headerKey('电话')]: null, [headerKey('备注')]: 'majorName' } },
      overrides: { 2: null },
    });
    expect(m.map((c) => [c.field, c.how])).toEqual([[null, 'remembered'], ['majorName', 'remembered'], [null, 'override']]);
  });

  it('finds the header row below title rows, merged titles and notes, and tells persons from units', () => {
    const rows: Cell[][] = [
      ['东城区社会工作专业人才统计表'],
      ['填报单位：东华门街道（盖章）', null, '填报日期：2026年12月'],
      [],
      ['序号', '姓名', '身份证号码', '性别', '学历'],
      [1, '张三', '110101198503150117', '男', '本科'],
    ];
    expect(findHeaderRow(rows)).toMatchObject({ index: 3, table: 'person' });
    const units: Cell[][] = [['单位名称', '统一社会信用代码', '单位性质', '城乡属性', '是否社工站']];
    expect(findHeaderRow(units)).toMatchObject({ index: 0, table: 'unit' });
    expect(findHeaderRow([['只是一段说明'], ['没有表头']])).toBeNull();
  });
});

describe('row kinds', () => {
  const mapping: ColumnMapping[] = mapHeaders('person', ['序号', '姓名', '证件号码', '乡镇（街道）', '统计期培训学时']);
  it.each([
    [[null, '', '  '], 'blank'],
    [[7, null, null, null, null], 'blank'],
    [[null, null, null, '东华门街道', null], 'blank'],
    [['合计', null, null, null, 180], 'total'],
    [[null, '小 计', null, null, 40], 'total'],
    [['总计：', null, null, null, 1], 'total'],
    [['本页合计'], 'total'],
    [['填表人：王某  审核人：李某'], 'notes'],
    [['注：1. 本表由乡镇（街道）填写。'], 'notes'],
    [['序号', '姓名', '证件号码', '乡镇（街道）'], 'header'],
    [[1, '张三', null, null, null], 'data'],
    [[2, '合作社的王五', null, null, null], 'data'],
  ] as [Cell[], string][])('classifies %j as %s', (cells, kind) => {
    expect(classifyRow(cells, mapping).kind).toBe(kind);
  });
  it('says why a total row is skipped', () => {
    expect(classifyRow(['小计'], mapping).reason).toBe('合计行（小计）');
  });
});

describe('normalizeRow', () => {
  const header = ['姓名', '证件号码', '性别', '出生年月', '学历', '职业资格', '手机', '统计期培训学时', '所在单位', '单位统一社会信用代码'];
  const mapping = mapHeaders('person', header);
  const row = (cells: Cell[]) => normalizeRow('person', cells, mapping, { resolveUnit: (t) => (t === '91110000100006485K' ? 'u-by-code' : t === '社工站' ? 'u-by-name' : null) });
  const id = makeIdNumber('1985-03-15', 11);

  it.each([
    ['本科', '20'], ['大本', '20'], ['大学本科', '20'], ['大专', '30'], ['专科', '30'], ['中专', '40'], ['中职', '40'],
  ])('reads 学历 %s as code %s', (text, code) => {
    expect(row([null, null, null, null, text]).data.education).toBe(code);
  });

  it.each([['助理社工师', '1'], ['初级', '1'], ['社工师', '2'], ['中级', '2']])('reads 职业资格 %s as %s', (text, code) => {
    expect(row([null, null, null, null, null, text]).data.qualLevel).toBe(code);
  });

  it.each([['男', '1'], ['女', '2'], [1, '1'], [2, '2'], ['1', '1']] as [Cell, string][])('reads 性别 %j as %s', (v, code) => {
    expect(row([null, 'P123', v]).data.sex).toBe(code);
  });

  it.each([
    [new Date(Date.UTC(1985, 2, 15)), '1985-03-15'],
    [31121, '1985-03-15'],
    ['1985.03', '1985-03'],
    [1985.03, '1985-03'],
    ['198503', '1985-03'],
    ['1985-03-15', '1985-03-15'],
    ['1985/3/15', '1985-03-15'],
  ] as [Cell, string][])('reads 出生年月 %j as %s (no ID number to complete it)', (v, out) => {
    expect(row([null, null, null, v]).data.birthDate).toBe(out);
  });

  it('holds exactly the fields its columns name; of two columns for one field the first with a value wins', () => {
    const two = mapHeaders('person', ['姓名', '出生年月', '学历', '出生日期', '文化程度']);
    const read = (cells: Cell[]) => normalizeRow('person', cells, two).data;
    expect(read(['张三', null, '本科', '1985-03-15', '大专'])).toEqual({ name: '张三', birthDate: '1985-03-15', education: '20' });
    expect(read(['张三', '1985.03', null, '1990-01-02', '大专'])).toEqual({ name: '张三', birthDate: '1985-03', education: '30' });
    expect(read(['李四', '', '', '', ''])).toEqual({ name: '李四', birthDate: null, education: null });
    // Each row is an object of its own, whatever the sheet's other rows held
    const a = read(['王五', '1980-01-01', '本科', null, null]);
    const b = read(['赵六', null, null, null, null]);
    expect(b).toEqual({ name: '赵六', birthDate: null, education: null });
    expect(a.birthDate).toBe('1980-01-01');
    // The unit columns set unitId only (the rest is the row's unitRef)
    const unit = normalizeRow('person', ['钱七', '社工站'], mapHeaders('person', ['姓名', '所在单位'])).data;
    expect(Object.keys(unit).sort()).toEqual(['name', 'unitId']);
  });

  it('completes sex and a month-precise birth date from a valid ID number and assumes a mainland ID', () => {
    const d = row(['张三', id, null, '1985.03']).data;
    expect(d).toMatchObject({ idType: '01', sex: '1', birthDate: '1985-03-15' });
  });

  it('takes full-width digits and stray spaces out', () => {
    const full = id.replace(/[0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
    const d = row([' 张 三 ', ` ${full} `, null, null, null, null, '１３８ １２３４ ５６７８', '４０']).data;
    expect(d).toMatchObject({ name: '张三', idNumber: id, phone: '13812345678', trainingHours: 40 });
  });

  it('keeps an ID number Excel turned into a number exactly as Excel shows it, never guessing digits', () => {
    expect(row([null, 532323196906185000]).data.idNumber).toBe('5.32323196906185E+17');
  });

  it('resolves the unit by credit code first, then by name, and keeps unknown names as text', () => {
    expect(row(Array<Cell>(8).fill(null).concat(['社工站', '91110000100006485K'])).data.unitId).toBe('u-by-code');
    expect(row(Array<Cell>(8).fill(null).concat(['社工站', null])).data.unitId).toBe('u-by-name');
    expect(row(Array<Cell>(8).fill(null).concat(['不存在的单位', null])).data.unitId).toBe('不存在的单位');
  });

  it('keeps unreadable values as text for validation to flag', () => {
    expect(row([null, null, null, null, '博士后在读', null, null, '十二']).data).toMatchObject({ education: '博士后在读', trainingHours: '十二' });
  });

  it('takes the apostrophe an export put before formula-like text off again', () => {
    expect(row(["'=HYPERLINK(\"x\")"]).data.name).toBe('=HYPERLINK("x")');
  });

  it('gives each row of a long sheet what it gives that row alone, in columns that repeat and columns that never do', () => {
    // One context for the whole sheet, as an import has: value and date columns remember answers while they repeat
    const sheet = {};
    const cells = (i: number): Cell[] => [
      `人员${i}`, null, null, i % 7 === 0 ? '1985.03' : `${1960 + (i % 30)}/${1 + (i % 9)}/1${i % 9}`, null, null,
      `138${String(i).padStart(8, '0')}`, i % 5 === 0 ? '十二' : i % 3 === 0 ? `${i % 40}学时` : String(i % 40), null, null,
    ];
    const read = Array.from({ length: 5000 }, (_, i) => normalizeRow('person', cells(i), mapping, sheet).data);
    expect(read[4]).toMatchObject({ name: '人员4', birthDate: '1964-05-14', phone: '13800000004', trainingHours: 4 });
    // Each row alone, with a context of its own (nothing remembered)
    for (let i = 0; i < 5000; i++) expect(read[i], `row ${i}`).toEqual(normalizeRow('person', cells(i), mapping, {}).data);
  });
});

describe('formula escaping and cell values', () => {
  it.each(['=1+1', '+86', '-3', '@SUM(A1)', '\tx', '\rx'])('escapes %j with a leading apostrophe and reads it back', (s) => {
    expect(escapeFormula(s)).toBe(`'${s}`);
    expect(unescapeFormula(escapeFormula(s))).toBe(s);
  });
  it('leaves ordinary text and numbers alone', () => {
    expect(escapeFormula('张三')).toBe('张三');
    expect(cellValue(f('trainingHours'), -5, 'labels')).toBe(-5);
  });
  it('writes labels or codes', () => {
    expect(cellValue(f('education'), '20', 'labels')).toBe('大学本科');
    expect(cellValue(f('education'), '20', 'codes')).toBe('20');
    expect(cellValue(f('swPost'), true, 'labels')).toBe('是');
    expect(cellValue(f('swPost'), true, 'codes')).toBe(1);
    expect(cellValue(f('domains'), ['01', '11'], 'labels')).toBe('社区治理、老龄和养老服务');
    expect(cellValue(f('majorName'), '=cmd|calc', 'labels')).toBe("'=cmd|calc");
  });
});
