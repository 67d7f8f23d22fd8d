import { describe, expect, it } from 'vitest';
import { codeLists, codesOf, isValidCode } from '../../shared/census/codes';
import { fieldsOf, personFields, unitFields } from '../../shared/census/dictionary';
import { cleanRecordDataSchema, emptyRecord, recordDataSchema } from '../../shared/census/schema';
import { validPerson, validUnit } from '../fixtures/records';

describe('field dictionary', () => {
  it('has every person and unit field of the census with unique keys and columns', () => {
    const keys = personFields.map((f) => f.key);
    for (const k of ['name', 'idType', 'idNumber', 'sex', 'birthDate', 'ethnicity', 'political', 'education',
      'majorCategory', 'majorName', 'qualLevel', 'certNumber', 'certYear', 'unitId', 'township', 'urbanRural',
      'postCategory', 'swPost', 'titleLevel', 'staffing', 'employmentType', 'domains', 'primaryDomain', 'startYear',
      'trainingHours', 'phone', 'personCategory', 'regStatus', 'regValidUntil', 'cumTrainingHours']) expect(keys).toContain(k);
    expect(unitFields.map((f) => f.key)).toEqual(expect.arrayContaining(['creditCode', 'noCreditReason', 'name',
      'unitType', 'township', 'urbanRural', 'isStation', 'staffCount', 'swPostCount', 'reportedSwCount']));
    for (const table of ['person', 'unit'] as const) {
      const fs = fieldsOf[table];
      expect(new Set(fs.map((f) => f.key)).size).toBe(fs.length);
      expect(new Set(fs.map((f) => f.column)).size).toBe(fs.length);
      expect(new Set(fs.map((f) => f.label)).size).toBe(fs.length);
    }
  });

  it('gives every coded field a code list and puts name and ID number first in the grid', () => {
    for (const f of [...personFields, ...unitFields]) {
      if (f.type === 'code' || f.type === 'codes') expect(f.codeList, f.key).toBeDefined();
      expect(f.label).toMatch(/[\u4e00-\u9fff]/);
    }
    expect(personFields.filter((f) => f.grid.pinned).map((f) => f.key)).toEqual(['name', 'idNumber']);
  });

  it('formats ID number and phone columns as text in Excel', () => {
    expect(personFields.find((f) => f.key === 'idNumber')!.excel.text).toBe(true);
    expect(personFields.find((f) => f.key === 'phone')!.excel.text).toBe(true);
    expect(personFields.find((f) => f.key === 'certNumber')!.excel.text).toBe(true);
  });
});

describe('national code lists', () => {
  it('has GB 3304 ethnic groups 01–56 plus 97 and 98', () => {
    const codes = codesOf('ethnicity');
    expect(codes).toHaveLength(58);
    expect(codeLists.ethnicity[0]).toMatchObject({ code: '01', label: '汉族' });
    expect(codeLists.ethnicity[55]).toMatchObject({ code: '56', label: '基诺族' });
    expect(codes.slice(-2)).toEqual(['97', '98']);
  });
  it('has GB/T 4762 political status 01–13, GB/T 4658 education, sex 1/2', () => {
    expect(codesOf('political')).toEqual(['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13']);
    expect(codesOf('education')).toEqual(['10', '20', '30', '40', '60', '70', '80', '90']);
    expect(codesOf('sex')).toEqual(['1', '2']);
  });
  it('has the 18 service domains in the opinion order, then 其他', () => {
    const d = codeLists.domain;
    expect(d).toHaveLength(19);
    expect(d[0]!.label).toBe('社区治理');
    expect(d[17]!.label).toBe('残疾人服务');
    expect(d[18]).toMatchObject({ code: '99', label: '其他' });
  });
  it('has the unit types, qualification levels, staffing and employment types, person categories', () => {
    expect(codeLists.unitType.map((c) => c.label)).toEqual(['党政机关', '事业单位', '群团组织', '社工机构', '其他社会组织', '企业', '社区（居委会）', '村委会', '其他']);
    expect(codeLists.qualLevel.map((c) => c.label)).toEqual(['无', '助理社会工作师', '社会工作师', '高级社会工作师']);
    expect(codeLists.staffing.map((c) => c.label)).toEqual(['行政编制', '事业编制', '无编制']);
    expect(codeLists.employmentType.map((c) => c.label)).toEqual(['劳动合同', '劳务派遣', '购买服务', '公益性岗位', '兼职', '其他']);
    expect(codeLists.personCategory.map((c) => c.label)).toEqual([
      '城乡社区工作者（专职）', '村（社区）“两委”成员', '社会工作服务机构从业人员', '乡镇（街道）社会工作站工作人员',
      '事业单位社会工作专业岗位人员', '党政机关和群团组织从事社会工作人员', '其他社会组织和企业从事社会工作人员', '其他',
    ]);
    // GB/T 4762: 12 is 无党派民主人士; the ID types include the mainland travel permits and the foreigner's permanent residence card.
    expect(codeLists.political.find((c) => c.code === '12')?.label).toBe('无党派民主人士');
    expect(codeLists.idType.map((c) => c.label)).toEqual(expect.arrayContaining(['港澳居民来往内地通行证', '台湾居民来往大陆通行证', '外国人永久居留身份证']));
    expect(isValidCode('unitType', '7')).toBe(true);
    expect(isValidCode('unitType', '0')).toBe(false);
  });
});

describe('record schemas derived from the dictionary', () => {
  it('accepts a clean record and refuses a wrong code in the clean schema only', () => {
    expect(cleanRecordDataSchema.person.safeParse(validPerson()).success).toBe(true);
    expect(cleanRecordDataSchema.unit.safeParse(validUnit()).success).toBe(true);
    const bad = validPerson({ education: '本科吧' });
    expect(cleanRecordDataSchema.person.safeParse(bad).success).toBe(false);
    expect(recordDataSchema.person.safeParse(bad).success).toBe(true);
  });
  it('has exactly the dictionary keys', () => {
    expect(Object.keys(recordDataSchema.person.shape).sort()).toEqual(personFields.map((f) => f.key).sort());
    expect(Object.keys(emptyRecord('unit')).sort()).toEqual(unitFields.map((f) => f.key).sort());
  });
});
