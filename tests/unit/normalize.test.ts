import { describe, expect, it } from 'vitest';
import { field, fieldOf } from '../../shared/census/dictionary';
import { excelSerialToDate, matchCode, normalizeValue, parseDate, toHalfWidth } from '../../shared/census/normalize';

const p = (key: string) => fieldOf('person', key);

describe('normalising what people type', () => {
  it('maps education spellings to GB/T 4658 codes', () => {
    for (const [text, code] of [['本科', '20'], ['大本', '20'], ['大学本科', '20'], ['大专', '30'], ['专科', '30'],
      ['中专', '40'], ['中职', '40'], ['高中', '60'], [' 研究生 ', '10'], ['20', '20']] as const)
      expect(normalizeValue(p('education'), text), text).toBe(code);
  });
  it('maps qualification levels, sex, yes/no and unit types', () => {
    expect(normalizeValue(p('qualLevel'), '助理社工师')).toBe('1');
    expect(normalizeValue(p('qualLevel'), '初级')).toBe('1');
    expect(normalizeValue(p('qualLevel'), '社工师')).toBe('2');
    expect(normalizeValue(p('qualLevel'), '中级')).toBe('2');
    expect(normalizeValue(p('sex'), '男')).toBe('1');
    expect(normalizeValue(p('sex'), 2)).toBe('2');
    expect(normalizeValue(p('swPost'), '是')).toBe(true);
    expect(normalizeValue(p('swPost'), '否')).toBe(false);
    expect(normalizeValue(field('unit', 'unitType'), '社区(居委会)')).toBe('7');
    expect(normalizeValue(p('ethnicity'), '1')).toBe('01');
    expect(normalizeValue(p('ethnicity'), '回')).toBe('03');
    expect(matchCode('political', '党员')).toBe('01');
  });
  it('keeps what it cannot read as text for validation to flag', () => {
    expect(normalizeValue(p('education'), '本科吧')).toBe('本科吧');
    expect(normalizeValue(p('trainingHours'), '十二')).toBe('十二');
    expect(normalizeValue(p('swPost'), '也许')).toBe('也许');
  });
  it('turns full-width digits and stray spaces into plain text', () => {
    expect(toHalfWidth('１１０１０５')).toBe('110105');
    expect(normalizeValue(p('idNumber'), ' １１０１０５１９４９１２３１００２ｘ ')).toBe('11010519491231002X');
    expect(normalizeValue(p('name'), ' 张 三 ')).toBe('张三');
    expect(normalizeValue(p('trainingHours'), '１６０学时')).toBe(160);
  });
  it('reads every date form township spreadsheets use', () => {
    expect(parseDate('1985-03-15')).toBe('1985-03-15');
    // Already YYYY-MM-DD: kept only when the day exists and the year is one ymd() accepts
    expect(parseDate('2024-02-29')).toBe('2024-02-29');
    expect(parseDate('2023-02-29')).toBeNull();
    expect(parseDate('1985-13-01')).toBeNull();
    expect(parseDate('1985-04-31')).toBeNull();
    expect(parseDate('1985-00-10')).toBeNull();
    expect(parseDate('0999-01-01')).toBeNull();
    expect(parseDate('3000-01-01')).toBeNull();
    expect(parseDate('2999-12-31')).toBe('2999-12-31');
    expect(parseDate('1000-01-01')).toBe('1000-01-01');
    expect(parseDate('1985-3-15')).toBe('1985-03-15');
    expect(parseDate('1985-03-15 ')).toBe('1985-03-15');
    expect(parseDate('1985/3/5')).toBe('1985-03-05');
    expect(parseDate('1985.03.15')).toBe('1985-03-15');
    expect(parseDate('1985年3月15日')).toBe('1985-03-15');
    expect(parseDate('19850315')).toBe('1985-03-15');
    expect(parseDate('1985.03')).toBe('1985-03');
    expect(parseDate('198503')).toBe('1985-03');
    expect(parseDate(31121)).toBe('1985-03-15');
    expect(excelSerialToDate(1)).toBe('1899-12-31');
    expect(parseDate(new Date(Date.UTC(1985, 2, 15)))).toBe('1985-03-15');
    expect(parseDate('1985-02-30')).toBeNull();
    // a bare year is not a day serial (1985 would be 1905-06-07): kept as text and flagged
    expect(parseDate('1985')).toBeNull();
    expect(parseDate(1985)).toBeNull();
    expect(normalizeValue(p('birthDate'), 1985)).toBe('1985');
    expect(normalizeValue(p('birthDate'), '不详')).toBe('不详');
  });
  it('shows an ID number that Excel turned into a number the way Excel shows it, never guessed', () => {
    expect(normalizeValue(p('idNumber'), 532323196906185000)).toBe('5.32323196906185E+17');
    expect(normalizeValue(p('idNumber'), '5.32323196906185E+17')).toBe('5.32323196906185E+17');
  });
  it('splits multi-select service domains on the separators people use', () => {
    expect(normalizeValue(p('domains'), '社区治理、养老服务，儿童福利')).toEqual(['01', '11', '12']);
    expect(normalizeValue(p('domains'), '01;01;11')).toEqual(['01', '11']);
    expect(normalizeValue(p('domains'), '')).toEqual([]);
  });
  it('resolves townships and units through the context', () => {
    const ctx = { resolveTownship: (t: string) => (t === '东华门街道' ? '110101001' : null), resolveUnit: (t: string) => (t === '某单位' ? 'u1' : null) };
    expect(normalizeValue(p('township'), '东华门街道', ctx)).toBe('110101001');
    expect(normalizeValue(p('township'), 110101001, ctx)).toBe('110101001');
    expect(normalizeValue(p('township'), '不存在街道', ctx)).toBe('不存在街道');
    expect(normalizeValue(p('unitId'), '某单位', ctx)).toBe('u1');
  });
});
