/** What an import wrote, file by file, with the return-for-correction sheet to download. */
import type { ImportResult } from '../../../../shared/api/methods/io';
import { tableLabels } from '../../../../shared/census/dictionary';
import { countText } from '../../lib/format';
import { IssueList } from './IssueList';

/** `reporting`: a report is being built; its buttons wait (a second click would start a second one) */
export function ResultView({ result, onErrorReport, reporting = false }: { result: ImportResult; onErrorReport: (file: string) => void; reporting?: boolean }) {
  return (
    <div data-testid="import-result">
      <div className="banner banner-ok" role="status">
        导入完成：新增 {countText(result.added)} 条，更新 {countText(result.updated)} 条{result.unitsAdded > 0 ? `，新建单位 ${countText(result.unitsAdded)} 个` : ''}。可在下方“导入记录”中撤销这次导入或下载各乡镇的问题表。
      </div>
      {result.files.map((f) => (
        <div className="io-file" key={f.file}>
          <h3>
            {f.file}
            <span className="io-more"> 读取 {countText(f.rowsRead)} 行，新增 {countText(f.added)}，更新 {countText(f.updated)}，未变 {countText(f.unchanged)}，跳过 {countText(f.skippedTotal)}</span>
          </h3>
          {f.issueCounts.error + f.issueCounts.warning > 0 && (
            <button type="button" disabled={reporting} onClick={() => onErrorReport(f.file)} data-testid="download-error-report">
              下载退回修改的问题表（{tableLabels.person}/{tableLabels.unit}）
            </button>
          )}
          <IssueList issues={f.issues} total={f.issueCounts.error + f.issueCounts.warning} testid="result-issues" />
        </div>
      ))}
    </div>
  );
}
