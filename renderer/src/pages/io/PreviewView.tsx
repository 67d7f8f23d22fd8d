/** The preview of an import: totals, each sheet's table and column mapping to confirm, updates and issues. */
import { useState, type ReactNode } from 'react';
import type { ImportPreview, SheetChoice } from '../../../../shared/api/methods/io';
import type { TableName } from '../../../../shared/census/dictionary';
import { importFields } from '../../../../shared/io';
import { countText } from '../../lib/format';
import { IssueList, SHOWN, where } from './IssueList';

type FilePreview = ImportPreview['files'][number];
export type SheetPreview = FilePreview['sheets'][number];

const howText: Record<string, string> = {
  label: '列名一致',
  synonym: '同义列名',
  remembered: '上次确认',
  override: '已修改',
  guess: '推测，请确认',
  none: '未对应',
};

export function sheetKey(file: string, sheet: string | null): string {
  return `${file}\u0000${sheet ?? ''}`;
}

function Totals({ items }: { items: [string, number, string?][] }) {
  return (
    <div className="io-totals" data-testid="import-totals">
      {items.map(([label, n, cls]) => (
        <span key={label} className={cls}>
          {label} <b>{countText(n)}</b>
        </span>
      ))}
    </div>
  );
}

export function PreviewView({ preview, choices, onChoose, actions, decisions }: {
  preview: ImportPreview;
  choices: Record<string, SheetChoice>;
  onChoose: (file: string, sheet: SheetPreview, change: Partial<SheetChoice>) => void;
  actions: ReactNode;
  decisions: ReactNode;
}) {
  const t = preview.totals;
  const units = preview.newUnits.filter((u) => u.action === 'create').length;
  const held = preview.files.reduce((n, f) => n + f.held, 0);
  return (
    <div data-testid="import-preview">
      <Totals items={[['读取', t.rowsRead], ['新增', t.toAdd], ['更新', t.toUpdate], ['未变', t.unchanged], ['新建单位', units], ['暂不导入', held], ['跳过', t.skipped], ['错误', t.issues.error, 'count-error'], ['警告', t.issues.warning, 'count-warning']]} />
      {actions}
      {decisions}
      {preview.files.map((f) => (
        <div className="io-file" key={f.file} data-testid="import-file">
          <h3>
            {f.file}
            <span className="io-more">
              {' '}
              {f.format === 'csv' ? `CSV，编码 ${f.encoding === 'gb18030' ? 'GBK/GB18030' : f.encoding === 'gb18030-bom' ? 'GBK（文件开头误标为 UTF-8，已按 GBK 读取）' : (f.encoding ?? '')}` : 'Excel 工作簿'}；读取 {countText(f.rowsRead)} 行，新增 {countText(f.toAdd)}，更新 {countText(f.toUpdate)}，未变 {countText(f.unchanged)}，跳过 {countText(f.skippedTotal)}
            </span>
          </h3>
          {f.sheets.map((s) => (
            <SheetView key={s.sheet ?? ''} file={f.file} sheet={s} choice={choices[sheetKey(f.file, s.sheet)]} onChoose={onChoose} />
          ))}
          {f.updates.length > 0 && (
            <>
              <h4>将更新的记录（按证件号码或信用代码匹配）</h4>
              <div className="io-list" data-testid="import-updates">
                <table>
                  <thead><tr><th>位置</th><th>记录</th><th>变化</th></tr></thead>
                  <tbody>
                    {f.updates.slice(0, SHOWN).map((u) => (
                      <tr key={`${u.sheet}-${u.row}`}>
                        <td>{where(u.sheet, u.row)}</td>
                        <td>{u.label}</td>
                        <td>{u.changes.map((c) => `${c.label}：${c.from || '（空）'} → ${c.to || '（空）'}`).join('；')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {f.updatesTotal > SHOWN && <p className="io-more">另有 {f.updatesTotal - SHOWN} 条未列出</p>}
            </>
          )}
          <IssueList issues={f.issues} total={f.issueCounts.error + f.issueCounts.warning} testid="import-issues" />
        </div>
      ))}
    </div>
  );
}

function SheetView({ file, sheet, choice, onChoose }: {
  file: string;
  sheet: SheetPreview;
  choice: SheetChoice | undefined;
  onChoose: (file: string, sheet: SheetPreview, change: Partial<SheetChoice>) => void;
}) {
  const table: TableName | null = choice?.table !== undefined ? choice.table : sheet.table;
  const fields = table ? importFields(table) : [];
  const guesses = sheet.columns.filter((c) => c.how === 'guess').length;
  const ignored = sheet.columns.filter((c) => !c.field).length;
  // Confident mappings stay folded; a guess to confirm opens the list.
  const [open, setOpen] = useState(guesses > 0);
  return (
    <div className="io-sheet" data-testid="import-sheet" data-sheet={sheet.sheet ?? ''}>
      <h4>
        {sheet.sheet ? `工作表「${sheet.sheet}」` : '表格'}：
        <select
          value={table ?? ''}
          onChange={(e) => onChoose(file, sheet, { table: e.target.value === '' ? null : (e.target.value as TableName) })}
          aria-label="导入为"
          data-testid="sheet-table"
        >
          <option value="">不导入</option>
          <option value="person">人员</option>
          <option value="unit">单位</option>
        </select>
        {sheet.headerRow !== null && <span className="io-more"> 表头在第 {sheet.headerRow} 行；新增 {countText(sheet.toAdd)}，更新 {countText(sheet.toUpdate)}，未变 {countText(sheet.unchanged)}</span>}
        {sheet.note && <span className="io-more"> {sheet.note}</span>}
      </h4>
      {sheet.table && sheet.columns.length > 0 && table && (
        <details open={open} onToggle={(e) => setOpen(e.currentTarget.open)} data-testid="column-map-details">
          <summary>
            列对应：{sheet.columns.length - ignored} 列导入，{ignored} 列不导入{guesses > 0 && <b className="count-warning">，{guesses} 列为推测，请确认</b>}
          </summary>
          <table className="io-map" data-testid="column-map">
            <thead>
              <tr><th>原表列名</th><th>对应字段</th><th>依据</th></tr>
            </thead>
            <tbody>
              {sheet.columns.map((c) => {
                const chosen = choice?.columns?.[String(c.index)];
                const value = chosen !== undefined ? chosen : c.field;
                return (
                  <tr key={c.index} className={chosen !== undefined ? 'override' : c.how}>
                    <td>{c.header}</td>
                    <td>
                      <select
                        value={value ?? ''}
                        onChange={(e) => onChoose(file, sheet, { columns: { [String(c.index)]: e.target.value === '' ? null : e.target.value } })}
                        aria-label={`「${c.header}」对应字段`}
                        data-testid={`map-${c.index}`}
                      >
                        <option value="">（不导入）</option>
                        {fields.map((f) => (
                          <option key={f.key} value={f.key}>
                            {f.label}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>{chosen !== undefined ? '已修改' : howText[c.how]}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </details>
      )}
      {sheet.skipped.length > 0 && (
        <div className="io-list" data-testid="import-skipped">
          <table>
            <thead><tr><th>跳过的行</th><th>原因</th></tr></thead>
            <tbody>
              {sheet.skipped.slice(0, SHOWN).map((s) => (
                <tr key={s.row}>
                  <td>{where(null, s.row, s.toRow)}</td>
                  <td>{s.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
