/**
 * 导入记录: every import with its files. From here, at any time, the clerk downloads the error report
 * of one township's file (or of all, each row naming its file and sheet) and undoes an import as one
 * step — refused, with the reason shown, when records it touched were edited since.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ImportBatch } from '../../../../shared/api/methods/io';
import { call, errorMessage } from '../../api/client';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorBanner } from '../../components/ErrorBanner';
import { countText, localDateTime } from '../../lib/format';
import { useElapsedSeconds } from '../../lib/hooks';
import { undoScope } from './history-text';
import { ProgressBar } from './ProgressBar';
import { useErrorReport } from './useErrorReport';

export function ImportHistory({ version }: { version: number }) {
  const [batches, setBatches] = useState<ImportBatch[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  /** The import the clerk asked to undo (the confirmation is open), and the one being undone */
  const [asking, setAsking] = useState<ImportBatch | null>(null);
  const [undoing, setUndoing] = useState<ImportBatch | null>(null);
  const elapsed = useElapsedSeconds(undoing !== null);
  const reports = useErrorReport();

  /**
   * Set while the list is read again (after an import or an undo): on a census-size file that takes
   * seconds (the open issues are counted over every record), and meanwhile the rows on screen are the
   * old ones — their buttons would act on what the list no longer says.
   */
  const [refreshing, setRefreshing] = useState(false);
  const asked = useRef(0);

  const load = useCallback(() => {
    const n = ++asked.current;
    setRefreshing(true);
    // Only the newest read counts: an older one answering late would put the old list back.
    const current = () => n === asked.current;
    call('io.imports.list', {})
      .then((b) => {
        if (current()) setBatches(b);
      })
      .catch((e: unknown) => {
        if (current()) setError(errorMessage(e));
      })
      .finally(() => {
        if (current()) setRefreshing(false);
      });
  }, []);
  useEffect(load, [load, version]);

  async function report(files: string[]) {
    setError(null);
    setNote(null);
    try {
      const rows = await reports.run(files.length === 1 ? { file: files[0]! } : { files });
      if (rows === 0) setNote('这些文件的记录目前没有需要退回修改的问题。');
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  async function undo(b: ImportBatch) {
    setAsking(null);
    setUndoing(b);
    setError(null);
    setNote(null);
    try {
      const r = await call('io.imports.undo', { importId: b.id });
      setNote(`已撤销：删除 ${countText(r.removed)} 条新增的记录，恢复 ${countText(r.restored)} 条更新过的记录。`);
      load();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setUndoing(null);
    }
  }

  if (!batches || batches.length === 0) return null;
  const live = batches.filter((b) => !b.undoneAt);
  const allFiles = [...new Set(live.flatMap((b) => b.files.map((f) => f.file)))];
  return (
    <section data-testid="import-history">
      <h2>导入记录</h2>
      <ErrorBanner message={error} onClose={() => setError(null)} />
      {undoing && (
        <div className="banner banner-busy" role="status" data-testid="history-undoing">
          正在撤销 {when(undoing)} 的导入（{undoScope(undoing)}）……全部完成或全部不做，中途出错或关闭程序不会留下一半的改动。
          {/* One transaction with no steps to count: a bar that moves and the time so far, not a share done */}
          <div className="io-progress">
            <progress aria-label="正在撤销" data-testid="history-undoing-bar" />
            {elapsed > 0 && <span className="io-progress-time" data-testid="history-undoing-time">已用 {elapsed} 秒</span>}
          </div>
        </div>
      )}
      {note && <div className="banner banner-ok" role="status">{note}</div>}
      {reports.busy && <ProgressBar progress={reports.progress} />}
      {refreshing && !undoing && (
        <div className="io-more" role="status" data-testid="history-refreshing">正在更新导入记录和未解决问题数……</div>
      )}
      {allFiles.length > 1 && (
        <button type="button" disabled={refreshing || reports.busy} onClick={() => void report(allFiles)} data-testid="history-report-all">
          下载全部文件的问题表（每行注明来源文件和工作表）
        </button>
      )}
      <table className={refreshing ? 'data-table stale' : 'data-table'} aria-busy={refreshing}>
        <thead><tr><th>导入时间</th><th>操作人</th><th>文件</th><th>撤销</th></tr></thead>
        <tbody>
          {batches.map((b) => (
            <tr key={b.id} data-testid="history-batch" className={b.undoneAt ? 'undone' : ''}>
              <td>{when(b)}</td>
              <td>{b.operator}</td>
              <td>
                {b.files.map((f) => (
                  <div key={f.file} data-testid="history-file" data-file={f.file}>
                    {f.file}：新增 {countText(f.added)}，更新 {countText(f.updated)}{f.unitsAdded ? `，新建单位 ${countText(f.unitsAdded)}` : ''}；未解决问题 {countText(f.openIssues)}{' '}
                    {!b.undoneAt && f.openIssues > 0 && (
                      <button type="button" className="link" disabled={refreshing || reports.busy} onClick={() => void report([f.file])} data-testid="history-report">
                        下载问题表
                      </button>
                    )}
                  </div>
                ))}
              </td>
              <td>
                {b.undoneAt ? (
                  <span className="io-more">已于 {localDateTime(b.undoneAt, false)} 撤销</span>
                ) : b.undoBlocked ? (
                  <span className="io-more" data-testid="history-undo-blocked">{b.undoBlocked}</span>
                ) : (
                  <button type="button" disabled={undoing !== null || refreshing} onClick={() => setAsking(b)} data-testid="history-undo">
                    撤销这次导入
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {asking && (
        <ConfirmDialog
          title="撤销这次导入？"
          message={`${when(asking)} ${asking.operator} 导入的${asking.files.map((f) => `「${f.file}」`).join('、')}：${undoScope(asking)}。撤销会记入每条记录的修改记录。`}
          confirmLabel="撤销导入"
          danger
          onConfirm={() => void undo(asking)}
          onCancel={() => setAsking(null)}
        />
      )}
    </section>
  );
}

function when(b: ImportBatch): string {
  return localDateTime(b.at, false);
}
