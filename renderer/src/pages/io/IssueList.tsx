/** The problems found in the rows of one file, as the preview and the result list them. */
import type { ImportResult } from '../../../../shared/api/methods/io';
import { fieldLabel } from '../../../../shared/census/dictionary';
import { importFieldLabel } from '../../../../shared/io';

/** Rows listed per table; the rest are counted. */
export const SHOWN = 200;

export function where(sheet: string | null, row: number, toRow?: number): string {
  return `${sheet ? `${sheet} ` : ''}第${row}${toRow ? `–${toRow}` : ''}行`;
}

type RowIssue = ImportResult['files'][number]['issues'][number];

export function IssueList({ issues, total, testid }: { issues: RowIssue[]; total: number; testid: string }) {
  if (total === 0) return <p className="io-more" data-testid={testid}>没有发现问题。</p>;
  return (
    <>
      <h4>发现的问题（{total}）</h4>
      <div className="io-list" data-testid={testid}>
        <table>
          <thead><tr><th>位置</th><th>记录</th><th>字段</th><th>问题</th></tr></thead>
          <tbody>
            {issues.slice(0, SHOWN).map((i) => (
              <tr key={`${i.recordId}-${i.field}-${i.rule}`} className={i.severity} data-testid="row-issue">
                <td>{where(i.sheet, i.row)}</td>
                <td>{i.recordLabel}</td>
                <td>{i.field ? (i.field === 'unitCreditCode' ? importFieldLabel(i.table, i.field) : fieldLabel(i.table, i.field)) : ''}</td>
                <td className={i.severity}>{i.severity === 'error' ? '错误：' : '警告：'}{i.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {total > Math.min(SHOWN, issues.length) && <p className="io-more">另有 {total - Math.min(SHOWN, issues.length)} 个问题未列出，请到“问题清单”查看全部</p>}
    </>
  );
}
