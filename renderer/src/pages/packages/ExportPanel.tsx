/** 导出上报包: refused while errors remain (with a link to the issues page), unexplained warnings confirmed first. */
import { useCallback, useEffect, useState } from 'react';
import type { MethodOutput } from '../../../../shared/api/contract';
import { call, errorMessage } from '../../api/client';
import { ErrorBanner } from '../../components/ErrorBanner';
import { fieldLabel } from '../../../../shared/census/dictionary';
import { countText } from '../../lib/format';
import { newTaskId, saveKept } from '../../lib/files';
import { forgetKept, startKept, useKept, useKeptEnd } from '../../lib/kept-task';
import { ProgressBar } from '../io/ProgressBar';

type Check = MethodOutput<'packages.exportCheck'>;
type Done = MethodOutput<'packages.export'>;

export function ExportPanel({ census, onExported }: { census: string; onExported?: () => void }) {
  const [check, setCheck] = useState<Check | null>(null);
  const [confirmed, setConfirmed] = useState(false);
  const [incompleteOk, setIncompleteOk] = useState(false);
  const [encrypt, setEncrypt] = useState(false);
  const [pass, setPass] = useState('');
  const [pass2, setPass2] = useState('');
  const [error, setError] = useState<string | null>(null);
  // The export itself is kept in kept-task.ts: a province's runs for seconds, and the page may be left meanwhile
  const kept = useKept<Done>('export', census);
  const running = kept !== null && !kept.ended;
  const done = kept?.result ?? null;

  const load = useCallback(() => {
    call('packages.exportCheck', {})
      .then(setCheck)
      .catch((e: unknown) => setError(errorMessage(e)));
  }, []);
  useEffect(load, [load]);
  // An export that ends changes the next sequence
  useKeptEnd<Done>('export', census, (t) => {
    load();
    if (t.error === null) onExported?.();
  });

  const passProblem = encrypt ? (pass.length < 8 ? '口令至少8个字符' : pass !== pass2 ? '两次输入的口令不一致' : null) : null;
  const needsConfirm = (check?.unexplainedWarnings ?? 0) > 0;
  const incomplete = (check?.missing.length ?? 0) > 0;
  const canRun = check?.canExport && (!needsConfirm || confirmed) && (!incomplete || incompleteOk) && !passProblem && !running;

  async function run() {
    const id = newTaskId('export');
    setError(null);
    const input = { taskId: id, confirmUnexplained: confirmed, allowIncomplete: incompleteOk, ...(encrypt ? { passphrase: pass } : {}) };
    // The file is saved when the export ends, whether this page still shows or not
    const ended = await startKept('export', id, census, async () => {
      const r = await call('packages.export', input);
      await saveKept(r);
      return r;
    });
    if (ended?.error === null) {
      setConfirmed(false);
      setIncompleteOk(false);
    }
  }

  if (!check) return <section><ErrorBanner message={error} />{!error && <p className="loading">正在检查…</p>}</section>;
  return (
    <section data-testid="export-panel">
      <h2>导出上报包</h2>
      <p className="hint">
        上报包是一个 .hcpkg 文件，含全部人员、单位、核实说明和修改记录，并以本单位密钥签名。每导出一次序号加一，上级以序号最大的为准。
      </p>
      <ErrorBanner message={error ?? kept?.error ?? null} onClose={() => (error ? setError(null) : forgetKept('export'))} />
      <div className="pkg-totals">
        <span>人员 <b>{countText(check.persons)}</b></span>
        <span>单位 <b>{countText(check.units)}</b></span>
        <span className={check.errors ? 'count-error' : ''}>错误 <b>{countText(check.errors)}</b></span>
        <span className={check.unexplainedWarnings ? 'count-warning' : ''}>未说明的警告 <b>{countText(check.unexplainedWarnings)}</b> / {countText(check.warnings)}</span>
        {check.sources > 0 && <span>下级上报包 <b>{check.sources}</b></span>}
        {/* While an export runs, a check read after it began already counts it: no number until it ends */}
        {!running && <span>本次为第 <b data-testid="export-sequence">{check.nextSequence}</b> 次上报</span>}
      </div>
      {!check.canExport && (
        <div className="banner banner-error" role="alert" data-testid="export-refused">
          还有 {countText(check.errors)} 个错误未修正，不能导出上报包。{' '}
          <a href="#/issues" data-testid="export-issues-link">
            打开问题清单修正
          </a>
        </div>
      )}
      {check.pendingDuplicates > 0 && (
        <div className="banner banner-warn">有 {countText(check.pendingDuplicates)} 名人员同时由两个地区报送，尚待决定；上报包中将标为待处理，由上级决定。</div>
      )}
      {check.canExport && incomplete && (
        <div className="pkg-confirm" data-testid="export-incomplete">
          <p>
            还有 <b>{check.missing.length}</b> 个下级地区未报送：
            <span data-testid="export-missing">{check.missing.map((m) => m.areaName).join('、')}</span>。
            上级将看到本次为部分报送。
          </p>
          <label>
            <input type="checkbox" checked={incompleteOk} onChange={(e) => setIncompleteOk(e.target.checked)} data-testid="export-confirm-incomplete" />{' '}
            确认按部分报送上报
          </label>
        </div>
      )}
      {check.canExport && check.partial.length > 0 && (
        <div className="banner banner-warn" data-testid="export-partial">部分报送的下级地区：{check.partial.map((p) => p.areaName).join('、')}</div>
      )}
      {check.canExport && needsConfirm && (
        <div className="pkg-confirm" data-testid="export-unexplained">
          <p>以下警告还没有填写核实说明（上级会看到）：</p>
          <div className="io-list">
            <table>
              <tbody>
                {check.unexplained.map((i) => (
                  <tr key={`${i.recordId}|${i.field}|${i.rule}`}>
                    <td>{i.recordLabel}</td>
                    <td>{fieldLabel(i.table, i.field)}</td>
                    <td className="warning">{i.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {check.unexplainedWarnings > check.unexplained.length && <p className="io-more">另有 {countText(check.unexplainedWarnings - check.unexplained.length)} 个未列出。</p>}
          <label>
            <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} data-testid="export-confirm" /> 我已核实，确认不填写说明直接导出
          </label>
        </div>
      )}
      {check.canExport && (
        <div className="io-row">
          <label>
            <input type="checkbox" checked={encrypt} onChange={(e) => setEncrypt(e.target.checked)} data-testid="export-encrypt" /> 用口令加密
          </label>
          {encrypt && (
            <>
              <input type="password" placeholder="口令（至少8个字符）" value={pass} onChange={(e) => setPass(e.target.value)} data-testid="export-pass" />
              <input type="password" placeholder="再输入一次" value={pass2} onChange={(e) => setPass2(e.target.value)} data-testid="export-pass2" />
              {passProblem && <span className="count-warning">{passProblem}</span>}
            </>
          )}
        </div>
      )}
      <div className="io-row">
        <button type="button" className="primary" disabled={!canRun} onClick={() => void run()} data-testid="export-run">
          {running ? '正在导出上报包…' : `导出上报包（第 ${check.nextSequence} 次）`}
        </button>
      </div>
      {running && <ProgressBar progress={kept.progress ?? { taskId: kept.taskId, label: '正在准备…', done: 0, total: 0, phase: 'write', measured: false }} />}
      {done && (
        <div className="banner banner-ok" data-testid="export-done">
          已导出「{done.fileName}」：第 {done.sequence} 次上报，人员 {countText(done.persons)} 人，单位 {countText(done.units)} 个{done.encrypted ? '，已加密（请另行告知口令）' : ''}。签名密钥指纹：{done.fingerprint}
        </div>
      )}
    </section>
  );
}
