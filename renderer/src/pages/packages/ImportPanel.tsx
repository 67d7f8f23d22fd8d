/**
 * 导入上报包: pick several .hcpkg files, see what each would add, replace and remove, confirm the
 * keys of areas sending for the first time (or with a changed key) after checking the fingerprint by
 * phone, then merge — each package all-or-nothing.
 */
import { useState } from 'react';
import { MERGE_REASONS, type MergeResult } from '../../../../shared/api/methods/packages';
import { call, errorMessage, upload } from '../../api/client';
import { ErrorBanner } from '../../components/ErrorBanner';
import { newTaskId, type Progress } from '../../lib/files';
import { countText } from '../../lib/format';
import { useTaskProgress } from '../../lib/hooks';
import { ProgressBar } from '../io/ProgressBar';
import { FilePicker } from '../../components/FilePicker';
import { forgetKept, startKept, useKept } from '../../lib/kept-task';

type Upload = { name: string; uploadId: string; passphrase?: string };

const statusText: Record<MergeResult['status'], string> = { ready: '可以合并', merged: '已合并', unchanged: '无变化', refused: '已拒绝' };

export function ImportPanel({ census }: { census: string }) {
  const [files, setFiles] = useState<Upload[]>([]);
  const [pass, setPass] = useState('');
  const [preview, setPreview] = useState<MergeResult[] | null>(null);
  const [trusted, setTrusted] = useState<Record<string, boolean>>({});
  // Reading and checking the picked files; the merge itself is kept in kept-task.ts, beyond this page's life
  const [reading, setReading] = useState(false);
  const [taskId, setTaskId] = useState<string | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = useKept<MergeResult[]>('merge', census);
  const merging = run !== null && !run.ended;
  const busy = reading || merging;

  useTaskProgress(taskId, setProgress);

  const withPass = (list: Upload[]) => list.map((f) => (pass ? { ...f, passphrase: pass } : { name: f.name, uploadId: f.uploadId }));

  async function pick(picked: FileList | null) {
    // A folder brings every file in it: keep the packages.
    const list = [...(picked ?? [])].filter((f) => f.name.toLowerCase().endsWith('.hcpkg'));
    if (list.length === 0) {
      if (picked && picked.length > 0) setError('所选文件中没有 .hcpkg 上报包');
      return;
    }
    setError(null);
    forgetKept('merge');
    await check(async () => {
      // A province picks a hundred packages (hundreds of MB): the files are counted in as they arrive
      let sent = 0;
      const uploads = await Promise.all(
        list.map(async (f) => {
          const u = await upload(f);
          setProgress({ taskId: '', label: `正在读取所选文件（${++sent} / ${list.length} 个）`, done: sent, total: list.length, phase: 'read' });
          return u;
        }),
      );
      setFiles(uploads);
      setTrusted({});
      return uploads;
    });
  }

  /** Reads (`get`) and checks the packages, showing each one's progress; the preview replaces the last */
  async function check(get: () => Promise<Upload[]>) {
    const id = newTaskId('preview');
    setProgress(null);
    setTaskId(id);
    setReading(true);
    try {
      const uploads = await get();
      setPreview((await call('packages.preview', { files: withPass(uploads), taskId: id })).results);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setReading(false);
      setTaskId(null);
    }
  }

  const recheck = () => check(async () => files);

  const trustKey = (r: MergeResult) => `${r.area}|${r.fingerprintHex}`;
  const needsTrust = (r: MergeResult) => r.reason === 'untrusted_key' || r.reason === 'key_changed';
  const mergeable = (preview ?? []).filter((r) => r.status === 'ready' && (!needsTrust(r) || trusted[trustKey(r)]));

  async function merge() {
    if (!preview) return;
    setError(null);
    const chosen = withPass(files.filter((_, i) => mergeable.includes(preview[i]!)));
    const trustKeys = mergeable.filter(needsTrust).map((r) => ({ areaCode: r.area!, fingerprint: r.fingerprintHex! }));
    const id = newTaskId('merge');
    const ended = await startKept('merge', id, census, async () => (await call('packages.merge', { files: chosen, trustKeys, taskId: id })).results);
    // Gone on success (the page may have been left meanwhile: React then ignores these); kept to try again after a failure
    if (ended?.error === null) {
      setPreview(null);
      setFiles([]);
    }
  }

  return (
    <section data-testid="pkg-import">
      <h2>导入上报包</h2>
      <p className="hint">可一次选择多个 .hcpkg 文件。合并前先预览；每个上报包要么全部合并，要么不作任何改动。同一地区的新序号上报包会替换该地区原有的全部记录。</p>
      <ErrorBanner message={error ?? run?.error ?? null} onClose={() => (error ? setError(null) : forgetKept('merge'))} />
      <div className="io-row">
        <FilePicker label="选择上报包（.hcpkg）…" primary multiple accept=".hcpkg" disabled={busy} onFiles={(files) => void pick(files)} testId="pkg-files" />
        <FilePicker label="选择整个文件夹…" title="文件夹里的全部 .hcpkg 上报包" directory disabled={busy} onFiles={(files) => void pick(files)} testId="pkg-folder" />
        <label>
          口令（加密的上报包）{' '}
          <input type="password" value={pass} onChange={(e) => setPass(e.target.value)} data-testid="pkg-pass" />
        </label>
        {files.length > 0 && (
          <button type="button" onClick={() => void recheck()} disabled={busy}>
            重新检查
          </button>
        )}
      </div>
      {preview && (
        <div data-testid="pkg-preview">
          <ResultTable rows={preview} trusted={trusted} onTrust={(r, v) => setTrusted((t) => ({ ...t, [trustKey(r)]: v }))} needsTrust={needsTrust} />
          <div className="io-row">
            <button type="button" className="primary" disabled={mergeable.length === 0 || busy} onClick={() => void merge()} data-testid="pkg-merge">
              合并 {mergeable.length} 个上报包
            </button>
          </div>
        </div>
      )}
      {taskId && <ProgressBar progress={progress} />}
      {merging && <ProgressBar progress={run.progress ?? { taskId: run.taskId, label: '正在合并…', done: 0, total: 0, phase: 'write', measured: false }} />}
      {run?.result && (
        <div data-testid="pkg-results">
          <h3>合并结果</h3>
          <ResultTable rows={run.result} />
        </div>
      )}
    </section>
  );
}

function ResultTable({ rows, trusted, onTrust, needsTrust }: {
  rows: MergeResult[];
  trusted?: Record<string, boolean>;
  onTrust?: (r: MergeResult, v: boolean) => void;
  needsTrust?: (r: MergeResult) => boolean;
}) {
  return (
    <div className="io-list pkg-results">
      <table>
        <thead>
          <tr>
            <th>文件</th>
            <th>地区</th>
            <th>序号</th>
            <th>状态</th>
            <th>新增</th>
            <th>替换</th>
            <th>删除</th>
            <th>重复人员</th>
            <th>说明</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={`${r.file}-${i}`} data-testid="pkg-row" data-area={r.area ?? ''} data-status={r.status}>
              <td>{r.file}</td>
              <td>{r.areaName ?? '—'}</td>
              <td>{r.sequence ?? '—'}</td>
              <td className={r.status === 'refused' ? 'error' : ''} title={r.reason ? MERGE_REASONS[r.reason] : undefined}>
                {r.status === 'ready' && needsTrust?.(r) && !trusted?.[`${r.area}|${r.fingerprintHex}`] ? '待确认密钥' : statusText[r.status]}
              </td>
              <td>{countText(r.added)}</td>
              <td>{countText(r.replaced)}</td>
              <td>{countText(r.removed)}</td>
              <td className={r.duplicatesHeld ? 'warning' : ''}>{countText(r.duplicatesHeld)}</td>
              <td>
                {r.message}
                {onTrust && needsTrust?.(r) && r.status === 'ready' && (
                  <label className="pkg-trust">
                    <input
                      type="checkbox"
                      checked={Boolean(trusted?.[`${r.area}|${r.fingerprintHex}`])}
                      onChange={(e) => onTrust(r, e.target.checked)}
                      data-testid={`pkg-trust-${r.area}`}
                    />{' '}
                    已电话核对指纹 <code>{r.fingerprint}</code>，{r.reason === 'key_changed' ? '确认更换并信任新密钥' : '信任该密钥'}
                  </label>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
