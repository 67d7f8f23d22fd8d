/**
 * The template townships fill in: 填表说明, 人员, 单位 and a hidden 代码表 sheet feeding the dropdowns.
 * Small, so it uses exceljs's in-memory workbook (the only place that does). Coded columns get a
 * dropdown, ID-like columns the text format (so Excel never turns an ID number into 5.3E+17), and
 * a county can prefill one township's name on every row.
 */
import ExcelJS from 'exceljs';
import { ApiError } from '../../../../shared/api/errors';
import { codeLists, type CodeListId } from '../../../../shared/census/codes';
import { fieldLabel, tableLabels, type FieldDef, type TableName } from '../../../../shared/census/dictionary';
import { planningPeriod, type PlanningPeriod } from '../../../../shared/census/planning';
import { SCOPE_LINES } from '../../../../shared/census/scope';
import { SHEET_NAMES } from '../../../../shared/io';
import { requireSettings, type ServiceContext } from '../context';
import { COLORS, columnLetter, FIRST_DATA_ROW, HEADER_ROW, templateColumns, TITLE_ROW } from './layout';
import { townshipsOf } from './places';

/** Rows that carry dropdowns and the prefilled township */
export const TEMPLATE_ROWS: Record<TableName, number> = { person: 2000, unit: 500 };

interface CodeColumn {
  col: string;
  count: number;
}

function quoteSheet(name: string): string {
  return `'${name.replace(/'/g, "''")}'`;
}

interface CodeLayout {
  lists: Map<CodeListId, CodeColumn>;
  townships: CodeColumn;
  columns: { title: string; values: string[] }[];
}

/** The hidden sheet's layout: one column per code list used (labels only) and one of the area's townships. */
function codeLayout(townships: string[]): CodeLayout {
  const used = new Set<CodeListId>();
  for (const table of ['person', 'unit'] as const) for (const f of templateColumns(table)) if (f.codeList) used.add(f.codeList);
  const columns: CodeLayout['columns'] = [];
  const put = (title: string, values: string[]): CodeColumn => {
    columns.push({ title, values });
    return { col: columnLetter(columns.length), count: values.length };
  };
  const lists = new Map<CodeListId, CodeColumn>();
  for (const id of used) lists.set(id, put(id, codeLists[id].map((c) => c.label)));
  return { lists, townships: put('乡镇（街道）', townships.length ? townships : ['（无乡镇数据）']), columns };
}

function addCodeSheet(wb: ExcelJS.Workbook, layout: CodeLayout): void {
  const ws = wb.addWorksheet(SHEET_NAMES.codes, { state: 'hidden' });
  layout.columns.forEach(({ title, values }, i) => {
    // Titles deliberately differ from field labels, so this sheet never looks like data to the importer.
    ws.getCell(1, i + 1).value = `可选值：${title}`;
    values.forEach((v, r) => (ws.getCell(r + 2, i + 1).value = v));
    ws.getColumn(i + 1).width = 18;
  });
}

/** exceljs implements worksheet data validations but its type declarations omit them */
interface WithValidations {
  dataValidations: { add(range: string, validation: ExcelJS.DataValidation): void };
}

function listFormula(c: CodeColumn): string {
  return `${quoteSheet(SHEET_NAMES.codes)}!$${c.col}$2:$${c.col}$${c.count + 1}`;
}

function validationFor(f: FieldDef, codes: CodeLayout, unitsRange: string): ExcelJS.DataValidation | null {
  const prompt = { showInputMessage: true, promptTitle: f.label.slice(0, 32), prompt: f.hint.slice(0, 250) };
  if (f.type === 'township')
    return { type: 'list', allowBlank: true, formulae: [listFormula(codes.townships)], showErrorMessage: true, errorStyle: 'warning', errorTitle: '乡镇（街道）', error: '不在本地区的乡镇（街道）列表中，请从下拉列表选择', ...prompt };
  if (f.type === 'unitRef')
    return { type: 'list', allowBlank: true, formulae: [unitsRange], showErrorMessage: true, errorStyle: 'warning', errorTitle: f.label, error: '不在“单位”表中，请先在“单位”表登记该单位', ...prompt };
  if (!f.codeList) return null;
  const formula = listFormula(codes.lists.get(f.codeList)!);
  if (f.type === 'codes')
    // Several answers are written in one cell (社区治理、养老服务): the list offers, it does not police.
    return { type: 'list', allowBlank: true, formulae: [formula], showErrorMessage: false, ...prompt };
  return { type: 'list', allowBlank: true, formulae: [formula], showErrorMessage: true, errorStyle: 'stop', errorTitle: f.label, error: `请从下拉列表中选择${f.label}`, ...prompt };
}

function addDataSheet(
  wb: ExcelJS.Workbook, table: TableName, title: string, codes: CodeLayout, township: string | null,
): void {
  const ws = wb.addWorksheet(SHEET_NAMES[table], { views: [{ state: 'frozen', xSplit: 1, ySplit: HEADER_ROW }] });
  const fields = templateColumns(table);
  const last = FIRST_DATA_ROW + TEMPLATE_ROWS[table] - 1;
  ws.mergeCells(TITLE_ROW, 1, TITLE_ROW, Math.min(fields.length, 12));
  const t = ws.getCell(TITLE_ROW, 1);
  t.value = title;
  t.font = { bold: true, size: 14 };
  ws.getRow(TITLE_ROW).height = 24;
  const unitCol = columnLetter(1);
  const unitsRange = `${quoteSheet(SHEET_NAMES.unit)}!$${unitCol}$${FIRST_DATA_ROW}:$${unitCol}$${FIRST_DATA_ROW + TEMPLATE_ROWS.unit - 1}`;
  fields.forEach((f, i) => {
    const n = i + 1;
    const col = ws.getColumn(n);
    col.width = f.excel.width + 2;
    if (f.excel.text) col.numFmt = '@';
    const h = ws.getCell(HEADER_ROW, n);
    h.value = f.label;
    h.font = { bold: true, color: { argb: f.required ? COLORS.required : 'FF000000' } };
    h.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: COLORS.header } };
    h.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
    h.note = `${f.required ? '【必填】' : '【选填】'}${f.hint}`;
    const dv = validationFor(f, codes, unitsRange);
    const letter = columnLetter(n);
    if (dv) (ws as unknown as WithValidations).dataValidations.add(`${letter}${FIRST_DATA_ROW}:${letter}${last}`, dv);
    if (f.type === 'township' && township) {
      for (let r = FIRST_DATA_ROW; r <= last; r++) {
        const c = ws.getCell(r, n);
        c.value = township;
        c.numFmt = '@';
      }
    }
  });
  ws.getRow(HEADER_ROW).height = 30;
}

function addInstructions(wb: ExcelJS.Workbook, title: string, planning: PlanningPeriod): void {
  const ws = wb.addWorksheet(SHEET_NAMES.instructions);
  ws.getColumn(1).width = 10;
  ws.getColumn(2).width = 26;
  ws.getColumn(3).width = 10;
  ws.getColumn(4).width = 70;
  ws.getCell('A1').value = title;
  ws.getCell('A1').font = { bold: true, size: 14 };
  const general = [
    '1. “人员”表每人一行，“单位”表每个单位一行；不要改动表头（第2行），不要插入合计行。',
    '2. 红色表头为必填项；带下拉箭头的列请从下拉列表中选择。',
    '3. 证件号码、手机、统一社会信用代码等列已设为“文本”格式，请直接输入完整号码；若从其他表格粘贴，请使用“选择性粘贴—数值”，避免18位号码末尾变成0。',
    '4. 性别、出生日期可由证件号码自动得出，可以不填；填写的须与证件号码一致。',
    '5. 人员的“所在单位”须与“单位”表中的单位名称一致。服务领域可多选，用顿号（、）分隔。',
    '6. 填好后直接将本文件报送区县；退回修改的问题表改正后可原样重新报送。',
    `7. 本次统计的规划期为${planning.label}，“${fieldLabel('person', 'cumTrainingHours')}”按这几年累计填写。`,
  ];
  general.forEach((line, i) => (ws.getCell(3 + i, 1).value = line));
  // 统计范围: who is in the headcount and who is not (shared/census/scope.ts, also in docs/indicators.md)
  const scopeAt = 4 + general.length;
  ws.getCell(scopeAt, 1).value = '统计范围';
  ws.getCell(scopeAt, 1).font = { bold: true };
  SCOPE_LINES.forEach((line, i) => (ws.getCell(scopeAt + 1 + i, 1).value = `${i + 1}. ${line}`));
  const start = scopeAt + 2 + SCOPE_LINES.length;
  ['表', '列名', '是否必填', '填写说明'].forEach((h, i) => {
    const c = ws.getCell(start, i + 1);
    c.value = h;
    c.font = { bold: true };
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: COLORS.header } };
  });
  let r = start + 1;
  for (const table of ['person', 'unit'] as const) {
    for (const f of templateColumns(table)) {
      const options = f.codeList && codeLists[f.codeList].length <= 20 ? `（可选：${codeLists[f.codeList].map((c) => c.label).join('、')}）` : '';
      ws.getRow(r).values = [tableLabels[table], f.label, f.required ? '必填' : '选填', `${f.hint}${options}`];
      ws.getCell(r, 4).alignment = { wrapText: true };
      r++;
    }
  }
}

/** The template as .xlsx bytes; `township` (name or code) prefills that township on every row. */
export async function buildTemplate(ctx: ServiceContext, township?: string): Promise<{ fileName: string; data: Buffer }> {
  const settings = requireSettings(ctx);
  const towns = townshipsOf(ctx);
  let townshipName: string | null = null;
  let townshipCode: string | null = null;
  if (township && township.trim()) {
    const code = towns.resolve(township.trim());
    const d = code ? towns.list.find((t) => t.code === code) : undefined;
    if (!d) throw new ApiError('bad_input', `「${township}」不是${settings.areaName}的乡镇（街道），请从列表中选择`);
    townshipCode = d.code;
    townshipName = towns.nameOf(d.code) ?? d.code;
  }
  const wb = new ExcelJS.Workbook();
  wb.creator = settings.officeName;
  wb.created = new Date(0);
  const where = `${settings.areaName.split(' / ').pop() ?? settings.areaName}${townshipName ? ` ${townshipName}（${townshipCode}）` : ''}`;
  const title = `${where} 社会工作专业人才统计调查表（统计时点 ${settings.refDate}）`;
  addInstructions(wb, `${title} — 填表说明`, planningPeriod(settings.planningStart));
  const codes = codeLayout(towns.list.map((t) => towns.nameOf(t.code) ?? t.code));
  addDataSheet(wb, 'person', `${title} — ${tableLabels.person}`, codes, townshipName);
  addDataSheet(wb, 'unit', `${title} — ${tableLabels.unit}`, codes, townshipName);
  addCodeSheet(wb, codes);
  const data = Buffer.from(await wb.xlsx.writeBuffer());
  const fileName = `社会工作专业人才统计表${townshipName ? `_${townshipName}` : ''}.xlsx`;
  return { fileName, data };
}
