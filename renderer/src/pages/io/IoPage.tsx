/** 导入导出: township returns in, templates and error reports out, microdata export. */
import { useEffect, useState } from 'react';
import type { CensusSettings, DivisionDto, MethodOutput } from '../../../../shared/api/contract';
import { call, ClientError, errorMessage } from '../../api/client';
import { ErrorBanner } from '../../components/ErrorBanner';
import { newTaskId, saveDownload, saveKept } from '../../lib/files';
import { censusKey, forgetKept, startKept, useKept } from '../../lib/kept-task';
import { ProgressBar } from './ProgressBar';
import { ImportHistory } from './ImportHistory';
import { countText } from '../../lib/format';
import { ImportPanel } from './ImportPanel';
import { useErrorReport } from './useErrorReport';
import './io.css';

export function IoPage({ settings }: { settings: CensusSettings }) {
  // Bumped after each import so the history shows it
  const [imported, setImported] = useState(0);
  return (
    <div className="page io-page" data-testid="io-page">
      <div className="page-head">
        <h1>导入导出</h1>
      </div>
      <ImportPanel census={censusKey(settings)} onImported={() => setImported((n) => n + 1)} />
      <ImportHistory version={imported} />
      <TemplatePanel settings={settings} />
      <ExportPanel census={censusKey(settings)} />
    </div>
  );
}

function TemplatePanel({ settings }: { settings: CensusSettings }) {
  const [townships, setTownships] = useState<DivisionDto[]>([]);
  const [township, setTownship] = useState('');
  const [busy, setBusy] = useState<'template' | 'report' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const reports = useErrorReport();

  useEffect(() => {
    let live = true;
    // A county lists its townships; a city or province types a name or code instead.
    if (settings.level === 'county')
      call('divisions.children', { code: settings.areaCode })
        .then((list) => live && setTownships(list.filter((d) => d.level === 'township')))
        .catch((e: unknown) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, [settings.areaCode, settings.level]);

  async function download(kind: 'template' | 'report') {
    setBusy(kind);
    setError(null);
    setNote(null);
    try {
      if (kind === 'template') saveDownload(await call('io.template', township ? { township } : {}));
      else if ((await reports.run({})) === 0) setNote('目前没有需要退回修改的记录。');
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  }

  return (
    <section data-testid="template-panel">
      <h2>填报模板与问题表</h2>
      <p className="hint">模板含人员、单位两张表和填表说明，代码列带下拉选项，证件号码等列已设为文本格式。可预填一个乡镇（街道），发给该乡镇填写。</p>
      <ErrorBanner message={error} onClose={() => setError(null)} />
      <div className="io-row">
        <label>
          预填乡镇（街道）{' '}
          {settings.level === 'county' ? (
            <select value={township} onChange={(e) => setTownship(e.target.value)} data-testid="template-township">
              <option value="">（不预填）</option>
              {townships.map((t) => (
                <option key={t.code} value={t.code}>
                  {t.name}
                </option>
              ))}
            </select>
          ) : (
            <input type="text" value={township} onChange={(e) => setTownship(e.target.value)} placeholder="名称或9位代码" data-testid="template-township" />
          )}
        </label>
        <button type="button" className="primary" onClick={() => void download('template')} disabled={busy !== null} data-testid="download-template">
          {busy === 'template' ? '正在生成…' : '下载填报模板'}
        </button>
        <button type="button" onClick={() => void download('report')} disabled={busy !== null} data-testid="download-all-errors">
          {busy === 'report' ? '正在生成…' : '下载全部问题表'}
        </button>
      </div>
      {reports.busy && <ProgressBar progress={reports.progress} />}
      {note && <p className="hint" data-testid="template-note">{note}</p>}
    </section>
  );
}

type Exported = MethodOutput<'io.export'> | { cancelled: true };

function ExportPanel({ census }: { census: string }) {
  const [format, setFormat] = useState<'xlsx' | 'csv' | 'parquet'>('xlsx');
  const [codes, setCodes] = useState(false);
  const [table, setTable] = useState<'person' | 'unit'>('person');
  const [cancelling, setCancelling] = useState(false);
  // Kept outside the page (kept-task.ts): a province's export runs for half a minute, and the page may be left meanwhile
  const kept = useKept<Exported>('data-export', census);
  const busy = kept !== null && !kept.ended;
  const outcome = kept?.ended ? kept.result : null;
  const note = !outcome
    ? null
    : 'cancelled' in outcome
      ? '已取消导出，没有生成文件。'
      : outcome.untyped
        ? `已导出 ${countText(outcome.rows)} 条记录。有 ${countText(outcome.untyped)} 个数值、是否或日期单元格的内容不是有效值，Parquet 的带类型列中已留空；请先在问题清单中修正。`
        : `已导出 ${countText(outcome.rows)} 条记录：${outcome.fileName}`;

  async function run() {
    const id = newTaskId('data-export');
    setCancelling(false);
    // The file is saved when the export ends, whether this page still shows or not
    await startKept<Exported>('data-export', id, census, async (report) => {
      try {
        const r = await call('io.export', { format, codes, table, taskId: id });
        // A province's file is hundreds of megabytes: fetching it takes seconds of its own.
        report({ taskId: id, label: `正在保存文件（${(r.size / 1048576).toFixed(1)} MB）`, done: 1, total: 1 });
        await saveKept(r);
        return r;
      } catch (e) {
        if (e instanceof ClientError && e.code === 'cancelled') return { cancelled: true };
        throw e;
      }
    });
    setCancelling(false);
  }

  function cancel() {
    if (!busy) return;
    setCancelling(true);
    call('io.cancel', { taskId: kept.taskId }).catch(() => undefined);
  }

  return (
    <section data-testid="export-panel">
      <h2>导出微观数据</h2>
      <p className="hint">Excel 文件含人员、单位两张表；CSV 一次导出一张表，采用 UTF-8（带 BOM），Excel 可直接打开。以 = + - @ 开头的文字前加英文单引号，打开时不会被当作公式执行。</p>
      <p className="hint">Parquet 供统计分析软件（DuckDB、pandas、Spark）使用：一次导出一张表，数值、日期、是否为带类型的列，代码列旁附名称列（如 education 与 education_label）。</p>
      <ErrorBanner message={kept?.error ?? null} onClose={() => forgetKept('data-export')} />
      <div className="io-row">
        <label>
          格式{' '}
          <select value={format} onChange={(e) => setFormat(e.target.value as 'xlsx' | 'csv' | 'parquet')} data-testid="export-format">
            <option value="xlsx">Excel（.xlsx）</option>
            <option value="csv">CSV</option>
            <option value="parquet">Parquet（统计分析）</option>
          </select>
        </label>
        {format !== 'xlsx' && (
          <label>
            表{' '}
            <select value={table} onChange={(e) => setTable(e.target.value as 'person' | 'unit')} data-testid="export-table">
              <option value="person">人员</option>
              <option value="unit">单位</option>
            </select>
          </label>
        )}
        {format !== 'parquet' && (
        <label>
          取值{' '}
          <select value={codes ? 'codes' : 'labels'} onChange={(e) => setCodes(e.target.value === 'codes')} data-testid="export-codes">
            <option value="labels">名称（如 大学本科）</option>
            <option value="codes">代码（如 20）</option>
          </select>
        </label>
        )}
        <button type="button" className="primary" onClick={() => void run()} disabled={busy} data-testid="export-download">
          {busy ? '正在导出…' : '导出'}
        </button>
      </div>
      {busy && <ProgressBar progress={kept.progress} onCancel={kept.progress?.phase === 'write' ? cancel : undefined} cancelling={cancelling} />}
      {note && <p className="hint" data-testid="export-note">{note}</p>}
    </section>
  );
}
