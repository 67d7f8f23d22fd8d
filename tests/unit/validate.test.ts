import { describe, expect, it } from 'vitest';
import { rules } from '../../shared/census/rules';
import type { RecordData } from '../../shared/census/schema';
import { completeFromIdNumber, validateCensus, validateRecord, type CrossLookups } from '../../shared/census/validate';
import { testContext, validPerson, validUnit } from '../fixtures/records';

const youngId = '110101199001011234'.slice(0, 17);
// A valid ID for a man born 1990-01-01 (check digit computed by the module under test's sibling)
import { idCheckChar } from '../../shared/census/checks';
const ID_1990 = youngId + idCheckChar(youngId);

function person(over: RecordData = {}, lookups: CrossLookups = { unitExists: () => true }) {
  // Born 1990 so the base record triggers no age warning
  const base = validPerson({ idNumber: ID_1990, sex: '1', birthDate: '1990-01-01', ...over });
  return validateRecord('person', 'p1', base, testContext, lookups);
}
const rulesOf = (issues: { rule: string }[]) => issues.map((i) => i.rule).sort();

describe('single-record rules', () => {
  it('finds nothing wrong with a clean person or unit', () => {
    expect(person()).toEqual([]);
    expect(validateRecord('unit', 'u1', validUnit(), testContext, { personsInUnit: () => 1 })).toEqual([]);
  });

  it.each([
    [{ name: null }, 'required'],
    [{ education: '本科吧' }, 'code_invalid'],
    [{ domains: ['01', '77'], primaryDomain: '01' }, 'code_invalid'],
    [{ idNumber: ID_1990.slice(0, 17) + (ID_1990[17] === '0' ? '1' : '0') }, 'id_checksum'],
    [{ idNumber: '5.32323196906185E+17' }, 'id_excel_number'],
    [{ idNumber: '1101011990' }, 'id_format'],
    [{ sex: '2' }, 'id_sex_mismatch'],
    [{ birthDate: '1990-02-01' }, 'id_birth_mismatch'],
    [{ certNumber: null }, 'cert_required'],
    [{ qualLevel: '0', certNumber: null, regStatus: null, regValidUntil: null }, 'cert_without_level'],
    [{ certNumber: '12345' }, 'cert_number_format'],
    [{ certYear: 2030 }, 'year_invalid'],
    [{ certYear: 2005 }, 'cert_year_early'],
    [{ qualLevel: '3', certYear: 2015 }, 'cert_senior_early'],
    [{ township: '110102001' }, 'township_outside'],
    [{ township: '东华门' }, 'township_unknown'],
    [{ township: '990000000' }, 'township_unknown'],
    [{ domains: ['01'], primaryDomain: '11' }, 'primary_domain_not_in_domains'],
    [{ trainingHours: 450, cumTrainingHours: 500 }, 'training_hours_high'],
    [{ trainingHours: 40, cumTrainingHours: 30 }, 'cum_training_below_period'],
    [{ regValidUntil: '2026-06-30' }, 'registration_lapsed'],
    [{ regValidUntil: null }, 'registration_date_missing'],
    [{ qualLevel: '0', certNumber: null, certYear: null, regValidUntil: null }, 'registration_without_cert'],
    [{ staffing: '3', employmentType: null }, 'employment_type_required'],
    [{ staffing: '在编', employmentType: null }, 'code_invalid'],
    [{ personCategory: null }, 'required'],
    [{ trainingHours: '十二' }, 'number_invalid'],
    [{ trainingHours: -3 }, 'number_range'],
    [{ phone: '0571-8888888' }, 'phone_not_mobile'],
    [{ swPost: '也许' }, 'boolean_invalid'],
    [{ startYear: 1995 }, 'start_year_invalid'],
    [{ name: '张'.repeat(51) }, 'text_too_long'],
  ] as [RecordData, string][])('flags %j as %s', (over, rule) => {
    expect(rulesOf(person(over))).toEqual([rule]);
  });

  it('judges age at the reference date: under 16 is an error, over 65 a warning', () => {
    const born = (ymd: string) => {
      const body = '110101' + ymd.replace(/-/g, '') + '123';
      return validPerson({ idNumber: body + idCheckChar(body), birthDate: ymd, sex: '1', startYear: null, certYear: 2015 });
    };
    const issues = (d: RecordData) => rulesOf(validateRecord('person', 'x', d, testContext, {}));
    expect(issues(born('2011-01-01'))).toEqual(['age_under_16']);
    expect(issues(born('2010-12-31'))).toEqual([]); // 16 exactly on the reference date
    expect(issues(born('1961-01-01'))).toEqual([]); // 65
    expect(issues(born('1960-12-30'))).toEqual(['age_over_65']);
    const w = validateRecord('person', 'x', born('1960-12-30'), testContext, {});
    expect(w[0]).toMatchObject({ severity: 'warning', field: 'birthDate' });
    expect(w[0]!.message).toContain('66 岁');
  });

  it('accepts only dates that exist: leap days by the Gregorian rule, no month 13 or April 31', () => {
    const dateIssues = (regValidUntil: string) => person({ regStatus: '1', regValidUntil }).filter((i) => i.field === 'regValidUntil').map((i) => i.rule);
    for (const ok of ['2024-02-29', '2000-02-29', '2030-12-31', '2027-04-30']) expect(dateIssues(ok), ok).not.toContain('date_invalid');
    for (const bad of ['2023-02-29', '1900-02-29', '2027-04-31', '2027-13-01', '2027-00-10', '2027-01-00', '2027-1-01', '２０２７-01-01', '2027/01/01', '0099-01-01'])
      expect(dateIssues(bad), bad).toContain('date_invalid');
  });

  it('writes messages in Chinese naming the field', () => {
    const [i] = person({ education: null });
    expect(i).toMatchObject({ table: 'person', recordId: 'p1', field: 'education', rule: 'required', severity: 'error' });
    expect(i!.message).toBe('「学历」不能为空');
    const [x] = person({ idNumber: '5.32323196906185E+17' });
    expect(x!.message).toContain('Excel');
    expect(x!.message).toContain('文本');
  });

  it('checks credit codes and asks for a reason when there is none', () => {
    const unit = (over: RecordData) => rulesOf(validateRecord('unit', 'u', validUnit(over), testContext, {}));
    expect(unit({ creditCode: '91110000100006485A' })).toEqual(['credit_checksum']);
    expect(unit({ creditCode: '9111' })).toEqual(['credit_format']);
    expect(unit({ creditCode: null })).toEqual(['credit_missing']);
    expect(unit({ creditCode: null, noCreditReason: '村委会未赋码' })).toEqual([]);
  });

  it('gives every rule a severity and a Chinese title', () => {
    for (const [code, r] of Object.entries(rules)) {
      expect(['error', 'warning'], code).toContain(r.severity);
      expect(r.title).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});

describe('whole-census rules', () => {
  it('flags the same ID number twice, missing units and a reported headcount that differs', () => {
    const persons = [
      { id: 'a', data: validPerson({ idNumber: ID_1990, sex: '1', birthDate: '1990-01-01' }) },
      { id: 'b', data: validPerson({ idNumber: ID_1990, sex: '1', birthDate: '1990-01-01' }) },
      { id: 'c', data: validPerson({ unitId: 'nope' }) },
    ];
    const units = [{ id: 'u1', data: validUnit({ reportedSwCount: 5 }) }];
    const issues = validateCensus({ persons: () => persons, units: () => units }, testContext);
    const summary = issues.map((i) => `${i.recordId}:${i.rule}`).sort();
    expect(summary).toEqual(['a:duplicate_id', 'b:duplicate_id', 'c:age_over_65', 'c:unit_missing', 'u1:unit_reported_mismatch']);
    expect(issues.find((i) => i.rule === 'unit_reported_mismatch')!.message).toContain('2 人');
  });

  it('flags a credit code used by two units', () => {
    const units = [{ id: 'u1', data: validUnit({ reportedSwCount: null }) }, { id: 'u2', data: validUnit({ reportedSwCount: null, name: '另一单位' }) }];
    const issues = validateCensus({ persons: () => [], units: () => units }, testContext);
    expect(rulesOf(issues)).toEqual(['duplicate_credit_code', 'duplicate_credit_code']);
  });
});

describe('ID-derived fields', () => {
  it('fills empty sex and birth date and completes a month-precise birth date', () => {
    expect(completeFromIdNumber({ idNumber: '11010519491231002X', sex: null, birthDate: null })).toMatchObject({ sex: '2', birthDate: '1949-12-31' });
    expect(completeFromIdNumber({ idNumber: '11010519491231002X', sex: '2', birthDate: '1949-12' })).toMatchObject({ birthDate: '1949-12-31' });
  });
  it('leaves a disagreeing value for validation to flag', () => {
    expect(completeFromIdNumber({ idNumber: '11010519491231002X', sex: '1', birthDate: '1950-01' })).toMatchObject({ sex: '1', birthDate: '1950-01' });
  });
});
