/**
 * Shown instead of the app when no census file can be opened: damaged (offers the newest good
 * backup), locked by another computer (names it, offers a forced open), or missing (a stick not
 * plugged in). Opening another file works from here too.
 */
import { useEffect, useState } from 'react';
import { call, errorMessage } from '../../api/client';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorBanner } from '../../components/ErrorBanner';
import { BackupsTable } from './BackupsTable';
import { localDateTime } from '../../lib/format';
import { OpenFile } from './OpenFile';
import { useWorkspace } from './useWorkspace';
import './workspace.css';

const TITLES = {
  damaged: '数据库文件已损坏',
  locked: '数据库文件正在其他电脑上使用',
  missing: '找不到数据库文件',
  open: '数据库文件已恢复正常',
} as const;

export function FileProblem({ onResolved }: { onResolved: () => void }) {
  const ws = useWorkspace();
  const [confirmForce, setConfirmForce] = useState(false);
  const { status, list } = ws;
  const resolved = status?.state === 'open';
  useEffect(() => {
    if (resolved) onResolved();
  }, [resolved, onResolved]);
  if (!status || !list) return <p className="loading boot">{ws.error ?? '正在检查数据库文件…'}</p>;
  if (status.state === 'open') return null;
  const newest = list.backups.find((b) => b.name === list.newestGood) ?? null;

  async function forceOpen() {
    setConfirmForce(false);
    try {
      const s = await call('workspace.forceOpen', {});
      if (s.state === 'open') onResolved();
      else ws.setStatus(s);
    } catch (e) {
      ws.setError(errorMessage(e));
    }
  }

  return (
    <main className="file-problem" data-testid="file-problem" data-state={status.state}>
      <div className="page">
        <h1 data-testid="file-problem-title">{TITLES[status.state]}</h1>
        <p className="problem-message" data-testid="file-problem-message">
          {status.message}
        </p>
        <p className="meta">
          文件：<code>{status.dbPath}</code>
        </p>
        <ErrorBanner message={ws.error} onClose={() => ws.setError(null)} />

        {status.state === 'damaged' && (
          <section className="offer" data-testid="damaged-offer">
            {newest ? (
              <>
                <p>
                  最近的完好备份是 <strong data-testid="offer-time">{localDateTime(newest.at)}</strong> 的（人员 {newest.persons ?? '—'}，单位{' '}
                  {newest.units ?? '—'}）。恢复后，这个时间之后的修改需要重新录入；损坏的文件会另存到备份文件夹，不会被删除。
                </p>
                <button type="button" className="primary" disabled={ws.busy} onClick={() => void ws.restore(newest).then((ok) => ok && onResolved())} data-testid="offer-restore">
                  从最近的完好备份恢复
                </button>
              </>
            ) : (
              <p data-testid="offer-none">备份文件夹里没有可用的完好备份。可以打开其他数据库文件，或请技术人员检查这个文件。</p>
            )}
          </section>
        )}

        {status.state === 'locked' && status.lock && !status.lock.sameHost && (
          <section className="offer">
            <button type="button" className="danger" onClick={() => setConfirmForce(true)} data-testid="force-open">
              强制打开
            </button>
          </section>
        )}

        {status.state === 'missing' && (
          <section className="offer">
            <button type="button" onClick={() => void call('workspace.open', { path: status.dbPath }).then(onResolved, (e: unknown) => ws.setError(errorMessage(e)))} data-testid="retry-open">
              重试
            </button>
          </section>
        )}

        {status.state !== 'locked' && list.backups.length > 0 && (
          <details className="all-backups" open={!newest}>
            <summary>全部备份（{list.backups.length} 个）</summary>
            <BackupsTable
              backups={list.backups}
              newestGood={list.newestGood}
              busy={ws.busy}
              currentNote="当前的文件会先另存到备份文件夹。"
              onRestore={(b) => void ws.restore(b).then((ok) => ok && onResolved())}
            />
          </details>
        )}

        <OpenFile status={status} onOpened={(s) => (s.state === 'open' ? onResolved() : ws.setStatus(s))} />
      </div>
      {confirmForce && status.lock && (
        <ConfirmDialog
          title="强制打开"
          message={`只有确认电脑「${status.lock.host}」已不再使用这个文件（程序已关闭，或U盘是从那台电脑上直接拔下的）时才这样做。两台电脑同时修改会导致数据丢失。`}
          confirmLabel="强制打开"
          danger
          onCancel={() => setConfirmForce(false)}
          onConfirm={() => void forceOpen()}
        />
      )}
    </main>
  );
}
