/**
 * Opening another census file: a native dialog in the desktop program, a typed path in the browser
 * face (which runs on this same computer), plus the files opened before.
 */
import { useState, type FormEvent } from 'react';
import type { WorkspaceStatus } from '../../../../shared/api/methods/workspace';
import { call, errorMessage } from '../../api/client';

interface Props {
  status: WorkspaceStatus;
  onOpened: (s: WorkspaceStatus) => void;
}

export function OpenFile({ status, onOpened }: Props) {
  const [path, setPath] = useState('');
  const [create, setCreate] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function openPath(p: string, asNew: boolean) {
    setBusy(true);
    setError(null);
    try {
      onOpened(await call('workspace.open', { path: p, create: asNew }));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  async function browse(mode: 'open' | 'create') {
    const picked = await call('workspace.pickFile', { mode }).catch((e: unknown) => {
      setError(errorMessage(e));
      return { path: null };
    });
    if (picked.path) await openPath(picked.path, mode === 'create');
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    if (path.trim() === '') {
      setError('请填写数据库文件的位置，例如 E:\\统计调查\\census.sqlite');
      return;
    }
    void openPath(path.trim(), create);
  }

  const others = [status.defaultDbPath, ...status.recent].filter((p, i, all) => p !== status.dbPath && all.indexOf(p) === i);
  return (
    <section className="open-file" data-testid="open-file">
      <h2>打开其他数据库文件</h2>
      {status.canPickFile && (
        <div className="toolbar">
          <button type="button" onClick={() => void browse('open')} disabled={busy} data-testid="open-browse">
            选择文件…
          </button>
          <button type="button" onClick={() => void browse('create')} disabled={busy}>
            新建数据库…
          </button>
        </div>
      )}
      <form className="inline-form" onSubmit={submit}>
        <input
          type="text"
          className="path-input"
          value={path}
          placeholder="数据库文件的完整路径，例如 /media/U盘/统计调查/census.sqlite"
          onChange={(e) => setPath(e.target.value)}
          data-testid="open-path"
          aria-label="数据库文件路径"
        />
        <label>
          <input type="checkbox" checked={create} onChange={(e) => setCreate(e.target.checked)} data-testid="open-create" /> 新建
        </label>
        <button type="submit" className="primary" disabled={busy} data-testid="open-submit">
          打开
        </button>
      </form>
      {error && (
        <p className="field-error" role="alert" data-testid="open-error">
          {error}
        </p>
      )}
      {others.length > 0 && (
        <ul className="recent-files" data-testid="recent-files">
          {others.map((p) => (
            <li key={p}>
              <button type="button" className="link" disabled={busy} onClick={() => void openPath(p, p === status.defaultDbPath)}>
                {p}
              </button>
              {p === status.defaultDbPath && <span className="meta">（本机默认）</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
