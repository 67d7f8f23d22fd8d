/** 表1–表5 as on paper, every person count a link to its persons; export to Excel with the sign-off. */
import { useState } from 'react';
import { screenValue } from '../../lib/format';
import type { ReportSet, ReportTable } from '../../../../shared/reports/schema';
import { call, errorMessage } from '../../api/client';
import { ErrorBanner } from '../../components/ErrorBanner';
import { saveDownload } from '../../lib/files';
import { isLinked, personsHref } from './data';

function headerRows(t: ReportTable) {
  // Group cells span their run of columns; ungrouped columns span both header rows.
  const top: { label: string; span: number; rows: number }[] = [];
  const bottom: string[] = [];
  for (let i = 0; i < t.columns.length; ) {
    const c = t.columns[i]!;
    if (c.group === null) {
      top.push({ label: c.label, span: 1, rows: 2 });
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < t.columns.length && t.columns[j + 1]!.group === c.group) j++;
    top.push({ label: c.group, span: j - i + 1, rows: 1 });
    for (let k = i; k <= j; k++) bottom.push(t.columns[k]!.label);
    i = j + 1;
  }
  return { top, bottom };
}

export function SummaryTable({ t }: { t: ReportTable }) {
  const { top, bottom } = headerRows(t);
  const stub = t.rows.some((r) => r.areaCode !== null) ? '地区' : '项目';
  return (
    <section className="report-table" data-testid={`table-${t.id}`}>
      <h2>{t.title}</h2>
      <ul className="report-notes">
        {t.notes.map((n) => (
          <li key={n}>{n}</li>
        ))}
      </ul>
      <div className="report-scroll">
        <table className="data-table summary">
          <thead>
            <tr>
              <th rowSpan={2}>{stub}</th>
              {top.map((h, i) => (
                <th key={i} colSpan={h.span} rowSpan={h.rows} className="c">
                  {h.label}
                </th>
              ))}
            </tr>
            <tr>
              {bottom.map((l, i) => (
                <th key={i} className="c">
                  {l}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {t.rows.map((r) => (
              <tr key={r.key} className={r.kind === 'total' ? 'total' : r.kind === 'unknown' ? 'unknown' : undefined} data-row={r.key} data-status={r.status}>
                <th scope="row" className={r.section && r.kind !== 'total' ? 'indent' : undefined}>
                  {r.section && r.kind !== 'total' ? <span className="section">{r.section}·</span> : null}
                  {r.label}
                  {r.status === 'partial' && <span className="partial-mark">（部分报送）</span>}
                </th>
                {r.values.map((v, i) => {
                  const col = t.columns[i]!;
                  const unreported = r.status === 'missing' && v === null;
                  const text = unreported ? '未报' : screenValue(v, col.format);
                  return (
                    <td key={col.key} className={unreported ? 'n unreported' : 'n'} data-col={col.key}>
                      {isLinked(t, r.kind, i) && v !== null && v > 0 ? (
                        <a href={personsHref(t.id, r.key, col.key)} title="查看这些人员">
                          {text}
                        </a>
                      ) : (
                        text
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** An upper level's numbers are only as complete as its returns: say so above every table set. */
export function CoverageBanner({ set }: { set: ReportSet }) {
  const c = set.coverage;
  if (!c) return null;
  const complete = c.reported === c.expected && c.partial === 0;
  return (
    <div className={complete ? 'banner banner-info' : 'banner banner-warn'} data-testid="report-coverage">
      {c.text}
    </div>
  );
}

export function TablesView({ set }: { set: ReportSet }) {
  const [head, setHead] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function exportXlsx() {
    setBusy(true);
    setError(null);
    try {
      const file = await call('reports.export', head.trim() ? { head: head.trim() } : {});
      saveDownload(file);
    } catch (e) {
      setError(`导出失败：${errorMessage(e)}`);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div data-testid="report-tables">
      <div className="toolbar export-bar">
        <label>
          负责人
          <input type="text" value={head} onChange={(e) => setHead(e.target.value)} placeholder="（上次填写的）" maxLength={50} data-testid="export-head" />
        </label>
        <button type="button" className="primary" disabled={busy} onClick={() => void exportXlsx()} data-testid="export-xlsx">
          {busy ? '正在导出…' : '导出 Excel（表1–表5）'}
        </button>
      </div>
      <ErrorBanner message={error} onClose={() => setError(null)} />
      <CoverageBanner set={set} />
      {set.tables.map((t) => (
        <SummaryTable key={t.id} t={t} />
      ))}
    </div>
  );
}
