/**
 * Import of township returns: pick files → preview (nothing written) with each sheet's table and
 * column mapping to confirm or correct → import in one transaction, with progress and cancel.
 * What the panel shows is kept beyond the page (kept-state.ts): a clerk who looks at the units list
 * while 100,000 rows are read, or before confirming their preview, comes back to them.
 */
import { useState } from 'react';
import type { ImportDecisions, ImportPreview, ImportResult, SheetChoice } from '../../../../shared/api/methods/io';
import { call, ClientError, errorMessage, onEvent, upload } from '../../api/client';
import { ErrorBanner } from '../../components/ErrorBanner';
import { newTaskId, type Progress } from '../../lib/files';
import { useKeptState, type Setter } from '../../lib/kept-state';
import { PreviewDecisions } from './PreviewDecisions';
import { ProgressBar } from './ProgressBar';
import { useErrorReport } from './useErrorReport';
import { PreviewView, sheetKey, type SheetPreview } from './PreviewView';
import { ResultView } from './ResultView';
import { FilePicker } from '../../components/FilePicker';

type State =
  | { step: 'idle' }
  | { step: 'reading'; taskId: string }
  | { step: 'preview'; preview: ImportPreview }
  | { step: 'committing'; taskId: string; preview: ImportPreview }
  | { step: 'done'; result: ImportResult };


/** Hands `show` the progress of task `taskId` until the returned function is called, whether the panel shows or not */
function follow(taskId: string, show: Setter<Progress | null>): () => void {
  return onEvent('progress', (p) => {
    if (p.taskId === taskId) show(p);
  });
}

export function ImportPanel({ census, onImported }: { census: string; onImported?: () => void }) {
  const [state, setState] = useKeptState<State>(`import:${census}:state`, { step: 'idle' });
  const [progress, setProgress] = useKeptState<Progress | null>(`import:${census}:progress`, null);
  const [cancelling, setCancelling] = useKeptState(`import:${census}:cancelling`, false);
  const [error, setError] = useKeptState<string | null>(`import:${census}:error`, null);
  const [notice, setNotice] = useState<string | null>(null);
  const reports = useErrorReport();
  // Edits to sheets and columns not yet applied to the preview
  const [choices, setChoices] = useKeptState<Record<string, SheetChoice>>(`import:${census}:choices`, {});
  // The clerk's answers to the preview (units, value mappings, fills, conflicts), sent with the next preview
  const [decisions, setDecisions] = useKeptState<ImportDecisions | null>(`import:${census}:decisions`, null);
  const taskId = state.step === 'reading' || state.step === 'committing' ? state.taskId : null;

  async function runPreview(input: { files?: { name: string; uploadId: string }[]; importId?: string; sheets?: SheetChoice[]; decisions?: ImportDecisions }) {
    const id = newTaskId('preview');
    const previous = state.step === 'preview' ? state.preview : null;
    setError(null);
    setProgress(null);
    setCancelling(false);
    setState({ step: 'reading', taskId: id });
    const off = follow(id, setProgress);
    try {
      const preview = await call('io.import.preview', { ...input, taskId: id });
      setChoices({});
      setDecisions(null);
      setState({ step: 'preview', preview });
    } catch (e) {
      setError(e instanceof ClientError && e.code === 'cancelled' ? '已取消读取，数据库没有任何改动。' : errorMessage(e));
      setState(previous ? { step: 'preview', preview: previous } : { step: 'idle' });
    } finally {
      off();
    }
  }

  async function pick(list: FileList | null) {
    if (!list || list.length === 0) return;
    try {
      const files = await Promise.all([...list].map(upload));
      await runPreview({ files });
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  async function commit(preview: ImportPreview) {
    const id = newTaskId('commit');
    setError(null);
    setProgress(null);
    setCancelling(false);
    setState({ step: 'committing', taskId: id, preview });
    const off = follow(id, setProgress);
    try {
      const result = await call('io.import.commit', { importId: preview.importId, taskId: id });
      setState({ step: 'done', result });
      onImported?.();
    } catch (e) {
      setError(e instanceof ClientError && e.code === 'cancelled' ? '已取消导入，数据库没有任何改动。' : errorMessage(e));
      setState({ step: 'preview', preview });
    } finally {
      off();
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
      if ((await reports.run({ file })) === 0) setNotice('这个文件的记录目前没有需要退回修改的问题。');
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
          <FilePicker
            label="选择乡镇报表文件…"
            primary
            multiple
            accept=".xlsx,.xlsm,.csv,.txt,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
            onFiles={(files) => void pick(files)}
            testId="import-files"
          />
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
      {reports.busy && <ProgressBar progress={reports.progress} />}
      {state.step === 'done' && <ResultView result={state.result} onErrorReport={(f) => void errorReport(f)} reporting={reports.busy} />}
    </section>
  );
}
