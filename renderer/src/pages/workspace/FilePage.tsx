/** 数据与备份: which census file is open (and where its backups are), its backups with restore, and opening another file. */
import type { WorkspaceStatus } from '../../../../shared/api/methods/workspace';
import { ErrorBanner } from '../../components/ErrorBanner';
import { BackupsTable } from './BackupsTable';
import { fileSize } from './format';
import { NextCensus } from './NextCensus';
import { OpenFile } from './OpenFile';
import { useWorkspace } from './useWorkspace';
import './workspace.css';

interface Props {
  /** The open file changed (restored or another one opened): the app reloads its settings */
  onChanged: () => void;
}

export function FilePage({ onChanged }: Props) {
  const ws = useWorkspace();
  const { status, list } = ws;
  if (!status || !list) return <p className="loading">{ws.error ?? '正在读取…'}</p>;
  const opened = (s: WorkspaceStatus) => {
    ws.setNotice(`已打开 ${s.dbPath}`);
    void ws.reload();
    onChanged();
  };
  return (
    <div className="page file-page" data-testid="file-page">
      <div className="page-head">
        <h1>数据与备份</h1>
        <div className="actions">
          <button type="button" onClick={() => void ws.backupNow()} disabled={ws.busy} data-testid="backup-now">
            立即备份
          </button>
        </div>
      </div>
      <ErrorBanner message={ws.error} onClose={() => ws.setError(null)} />
      {ws.notice && (
        <div className="banner banner-ok" role="status" data-testid="file-notice">
          {ws.notice}
        </div>
      )}
      <table className="kv">
        <tbody>
          <tr>
            <th>当前数据库</th>
            <td data-testid="file-db-path">{status.dbPath}</td>
          </tr>
          <tr>
            <th>备份文件夹</th>
            <td data-testid="file-backups-dir">{status.backupsDir}</td>
          </tr>
          <tr>
            <th>保存位置</th>
            <td data-testid="file-mode">
              {status.portable ? '便携模式：数据保存在程序旁边（可随U盘带到其他电脑）' : '本机用户目录'}
            </td>
          </tr>
        </tbody>
      </table>
      <NextCensus
        status={status}
        onOpened={(note) => {
          ws.setNotice(note);
          void ws.reload();
          onChanged();
        }}
      />
      <h2 className="backups-head">备份</h2>
      <p className="meta" data-testid="backups-policy">
        程序自动保留最近 10 个备份和最近 7 天每天的一个备份，合计不超过 {fileSize(list.budgetBytes)}（超出时先删较旧的，最新的一个总会保留）；现有备份共 {fileSize(list.totalBytes)}。恢复前，当前数据库会先另存为一个新备份，恢复之后仍可以退回。
      </p>
      {list.paused && (
        <div className="banner banner-error backups-paused" role="alert" data-testid="backups-paused">
          <span>{list.paused}自动备份已暂停：请清理这块磁盘，或把数据库文件移到空间更大的磁盘；腾出空间后会自动恢复。</span>
        </div>
      )}
      <BackupsTable
        backups={list.backups}
        newestGood={list.newestGood}
        busy={ws.busy}
        currentNote="恢复前，当前数据库会先另存为一个备份。"
        onRestore={(b) =>
          void ws.restore(b).then((ok) => {
            if (ok) onChanged();
          })
        }
      />
      <OpenFile status={status} onOpened={opened} />
    </div>
  );
}
