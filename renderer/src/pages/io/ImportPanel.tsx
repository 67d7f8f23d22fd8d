/**
 * Import of township returns: pick files → preview (nothing written) with each sheet's table and
 * column mapping to confirm or correct → import in one transaction, with progress and cancel.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { ImportDecisions, ImportPreview, ImportResult, SheetChoice } from '../../../../shared/api/methods/io';
import { fieldLabel, tableLabels, type TableName } from '../../../../shared/census/dictionary';
import { importFieldLabel, importFields } from '../../../../shared/io';
import { call, ClientError, errorMessage, onEvent } from '../../api/client';
import { ErrorBanner } from '../../components/ErrorBanner';
import { newTaskId, readUpload, saveDownload, type Progress } from '../../lib/files';
import { PreviewDecisions } from './PreviewDecisions';
import { ProgressBar } from './ProgressBar';

type FilePreview = ImportPreview['files'][number];
type SheetPreview = FilePreview['sheets'][number];

type State =
  | { step: 'idle' }
  | { step: 'reading'; taskId: string }
  | { step: 'preview'; preview: ImportPreview }
  | { step: 'committing'; taskId: string; preview: ImportPreview }
  | { step: 'done'; result: ImportResult };

const SHOWN = 200;

const howText: Record<string, string> = {
  label: '列名一致',
  synonym: '同义列名',
  remembered: '上次确认',
  override: '已修改',
  guess: '推测，请确认',
  none: '未对应',
};

function sheetKey(file: string, sheet: string | null): string {
  return `${file}\u0000${sheet ?? ''}`;
}

function where(sheet: string | null, row: number, toRow?: number): string {
  return `${sheet ? `${sheet} ` : ''}第${row}${toRow ? `–${toRow}` : ''}行`;
}

export function ImportPanel({ onImported }: { onImported?: () => void }) {
  const [state, setState] = useState<State>({ step: 'idle' });
  const [progress, setProgress] = useState<Progress | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // Edits to sheets and columns not yet applied to the preview
  const [choices, setChoices] = useState<Record<string, SheetChoice>>({});
  // The clerk's answers to the preview (units, value mappings, fills, conflicts), sent with the next preview
  const [decisions, setDecisions] = useState<ImportDecisions | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const taskId = state.step === 'reading' || state.step === 'committing' ? state.taskId : null;

  useEffect(() => {
    if (!taskId) return;
    return onEvent('progress', (p) => {
      if (p.taskId === taskId) setProgress(p);
    });
  }, [taskId]);

  async function runPreview(input: { files?: { name: string; dataBase64: string }[]; importId?: string; sheets?: SheetChoice[]; decisions?: ImportDecisions }) {
    const id = newTaskId('preview');
    const previous = state.step === 'preview' ? state.preview : null;
    setError(null);
    setProgress(null);
    setCancelling(false);
    setState({ step: 'reading', taskId: id });
    try {
      const preview = await call('io.import.preview', { ...input, taskId: id });
      setChoices({});
      setDecisions(null);
      setState({ step: 'preview', preview });
    } catch (e) {
      setError(e instanceof ClientError && e.code === 'cancelled' ? '已取消读取，数据库没有任何改动。' : errorMessage(e));
      setState(previous ? { step: 'preview', preview: previous } : { step: 'idle' });
    }
  }

  async function pick(list: FileList | null) {
    if (!list || list.length === 0) return;
    try {
      const files = await Promise.all([...list].map(readUpload));
      await runPreview({ files });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      if (inputRef.current) inputRef.current.value = '';
    }
  }

  async function commit(preview: ImportPreview) {
    const id = newTaskId('commit');
    setError(null);
    setProgress(null);
    setCancelling(false);
    setState({ step: 'committing', taskId: id, preview });
    try {
      const result = await call('io.import.commit', { importId: preview.importId, taskId: id });
      setState({ step: 'done', result });
      onImported?.();
    } catch (e) {
      setError(e instanceof ClientError && e.code === 'cancelled' ? '已取消导入，数据库没有任何改动。' : errorMessage(e));
      setState({ step: 'preview', preview });
    }
  }

  async function cancel() {
    if (!taskId) return;
    setCancelling(true);
    try {
      await call('io.cancel', { taskId });
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  function discard(preview: ImportPreview) {
    void call('io.import.discard', { importId: preview.importId }).catch(() => undefined);
    setChoices({});
    setDecisions(null);
    setState({ step: 'idle' });
  }

  async function forget() {
    try {
      await call('io.mappings.reset', {});
      setNotice('已清除，以后按列名重新识别。');
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  async function errorReport(file: string) {
    try {
      saveDownload(await call('io.errorReport', { file }));
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  function choose(file: string, sheet: SheetPreview, change: Partial<SheetChoice>) {
    setChoices((prev) => {
      const key = sheetKey(file, sheet.sheet);
      const base = prev[key] ?? { file, sheet: sheet.sheet };
      return { ...prev, [key]: { ...base, ...change, columns: { ...base.columns, ...change.columns } } };
    });
  }

  const dirty = Object.keys(choices).length > 0 || decisions !== null;
  // Writing has started once the core reports the write phase: from then on it cannot be stopped.
  // The phase, not the label's words: the write itself and its final count
  const writing = state.step === 'committing' && (progress?.phase === 'write' || progress?.phase === 'done');

  return (
    <section data-testid="import-panel">
      <h2>导入乡镇报表</h2>
      <p className="hint">
        可一次选择多个 Excel（.xlsx）或 CSV 文件。先预览：显示读取的行数、将新增和更新的记录、跳过的行及原因和发现的问题，确认后才写入数据库；按证件号码识别同一人，重报的表格会更新原记录而不会重复添加。
      </p>
      <ErrorBanner message={error} onClose={() => setError(null)} />
      {(state.step === 'idle' || state.step === 'done') && (
        <div className="io-row">
          <label>
            选择文件{' '}
            <input
              ref={inputRef}
              type="file"
              multiple
              accept=".xlsx,.xlsm,.csv,.txt,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
              onChange={(e) => void pick(e.target.files)}
              data-testid="import-files"
            />
          </label>
          <button type="button" className="link" onClick={() => void forget()} title="以后导入时重新按列名识别，不再沿用以前确认过的列对应" data-testid="import-forget-mappings">
            清除记住的列对应
          </button>
          {notice && <span className="io-more" role="status">{notice}</span>}
        </div>
      )}
      {state.step === 'reading' && <ProgressBar progress={progress} onCancel={() => void cancel()} cancelling={cancelling} />}
      {state.step === 'committing' && (
        <ProgressBar progress={progress} {...(writing ? {} : { onCancel: () => void cancel() })} cancelling={cancelling} />
      )}
      {state.step === 'preview' && (
        <PreviewView
          preview={state.preview}
          choices={choices}
          onChoose={choose}
          decisions={<PreviewDecisions preview={state.preview} decisions={decisions ?? state.preview.decisions} onChange={setDecisions} />}
          actions={
            <div className="io-row">
              {dirty ? (
                <>
                  <button
                    type="button"
                    className="primary"
                    onClick={() => void runPreview({ importId: state.preview.importId, sheets: Object.values(choices), ...(decisions ? { decisions } : {}) })}
                    data-testid="import-apply"
                  >
                    按修改重新预览
                  </button>
                  <button type="button" onClick={() => { setChoices({}); setDecisions(null); }}>
                    撤销修改
                  </button>
                </>
              ) : (
                <button type="button" className="primary" onClick={() => void commit(state.preview)} data-testid="import-commit" disabled={state.preview.totals.toAdd + state.preview.totals.toUpdate + state.preview.newUnits.filter((u) => u.action === 'create').length === 0}>
                  确认导入（新增 {state.preview.totals.toAdd}，更新 {state.preview.totals.toUpdate}）
                </button>
              )}
              <button type="button" onClick={() => discard(state.preview)} data-testid="import-discard">
                放弃
              </button>
            </div>
          }
        />
      )}
      {state.step === 'done' && <ResultView result={state.result} onErrorReport={(f) => void errorReport(f)} />}
    </section>
  );
}

function Totals({ items }: { items: [string, number, string?][] }) {
  return (
    <div className="io-totals" data-testid="import-totals">
      {items.map(([label, n, cls]) => (
        <span key={label} className={cls}>
          {label} <b>{n}</b>
        </span>
      ))}
    </div>
  );
}

function PreviewView({ preview, choices, onChoose, actions, decisions }: {
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
              {f.format === 'csv' ? `CSV，编码 ${f.encoding === 'gb18030' ? 'GBK/GB18030' : f.encoding === 'gb18030-bom' ? 'GBK（文件开头误标为 UTF-8，已按 GBK 读取）' : (f.encoding ?? '')}` : 'Excel 工作簿'}；读取 {f.rowsRead} 行，新增 {f.toAdd}，更新 {f.toUpdate}，未变 {f.unchanged}，跳过 {f.skippedTotal}
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
        {sheet.headerRow !== null && <span className="io-more"> 表头在第 {sheet.headerRow} 行；新增 {sheet.toAdd}，更新 {sheet.toUpdate}，未变 {sheet.unchanged}</span>}
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

type RowIssue = ImportResult['files'][number]['issues'][number];

function IssueList({ issues, total, testid }: { issues: RowIssue[]; total: number; testid: string }) {
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

function ResultView({ result, onErrorReport }: { result: ImportResult; onErrorReport: (file: string) => void }) {
  return (
    <div data-testid="import-result">
      <div className="banner banner-ok" role="status">
        导入完成：新增 {result.added} 条，更新 {result.updated} 条{result.unitsAdded > 0 ? `，新建单位 ${result.unitsAdded} 个` : ''}。可在下方“导入记录”中撤销这次导入或下载各乡镇的问题表。
      </div>
      {result.files.map((f) => (
        <div className="io-file" key={f.file}>
          <h3>
            {f.file}
            <span className="io-more"> 读取 {f.rowsRead} 行，新增 {f.added}，更新 {f.updated}，未变 {f.unchanged}，跳过 {f.skippedTotal}</span>
          </h3>
          {f.issueCounts.error + f.issueCounts.warning > 0 && (
            <button type="button" onClick={() => onErrorReport(f.file)} data-testid="download-error-report">
              下载退回修改的问题表（{tableLabels.person}/{tableLabels.unit}）
            </button>
          )}
          <IssueList issues={f.issues} total={f.issueCounts.error + f.issueCounts.warning} testid="result-issues" />
        </div>
      ))}
    </div>
  );
}
