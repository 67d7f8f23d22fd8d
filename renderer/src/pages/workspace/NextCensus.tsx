/**
 * 新建下一期，沿用上期名单: a new census file for the next reference date, set up from the open one.
 * The open file is only read; on any failure the app goes back to it.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { WorkspaceStatus } from '../../../../shared/api/methods/workspace';
import { call, errorMessage } from '../../api/client';
import { CARRYING, nextDbPath, nextRefDate } from '../../lib/next-census';
import { ProgressBar } from '../io/ProgressBar';

interface Props {
  status: WorkspaceStatus;
  /** The new census is open; `note` says what was carried */
  onOpened: (note: string) => void;
}

export function NextCensus({ status, onOpened }: Props) {
  const [refDate, setRefDate] = useState('');
  const [path, setPath] = useState('');
  const [lastRef, setLastRef] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void call('census.get', {}).then((s) => {
      if (!s) return;
      const next = nextRefDate(s.refDate);
      setLastRef(s.refDate);
      setRefDate(next);
      setPath(nextDbPath(status.dbPath, next));
    });
  }, [status.dbPath]);

  if (!lastRef) return null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(refDate)) return setError('请填写本期统计时点');
    if (refDate <= lastRef!) return setError(`本期统计时点应晚于上期的 ${lastRef}`);
    if (path.trim() === '') return setError('请填写新数据库文件的位置');
    const previousPath = status.dbPath;
    setBusy(true);
    try {
      await call('workspace.open', { path: path.trim(), create: true });
      try {
        const s = await call('census.setupFrom', { previousPath, refDate });
        onOpened(`已新建 ${s.refDate} 统计调查，沿用上期名单：单位 ${s.carriedUnits} 个、人员 ${s.carriedPersons} 人，请逐一确认留任或标记离开`);
      } catch (err) {
        // Back to the last census: the half-made new file stays empty and can be reused or deleted.
        await call('workspace.open', { path: previousPath });
        throw err;
      }
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="next-census" data-testid="next-census">
      <h2>新建下一期，沿用上期名单</h2>
      <p className="meta">
        以当前统计调查（统计时点 {lastRef}）为上期，新建一个数据库：单位和人员全部沿用，每人的变动情况为“待确认”，逐一确认留任或标记离开（调出本地区、离职、退休、死亡、其他）；新来的人员登记为新增。当前数据库只读取，不会改动。
      </p>
      <form className="inline-form" onSubmit={(e) => void submit(e)}>
        <label>
          本期统计时点 <input type="date" value={refDate} onChange={(e) => setRefDate(e.target.value)} data-testid="next-refdate" />
        </label>
        <input
          type="text"
          className="path-input"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          aria-label="新数据库文件路径"
          data-testid="next-path"
        />
        <button type="submit" className="primary" disabled={busy} data-testid="next-submit">
          {busy ? '正在新建…' : '新建下一期'}
        </button>
      </form>
      {busy && <ProgressBar progress={CARRYING} />}
      {error && (
        <p className="field-error" role="alert" data-testid="next-error">
          {error}
        </p>
      )}
    </section>
  );
}
