/** Registered population per area (typed, or imported from a two-column sheet) and the area's targets. */
import { useEffect, useState } from 'react';
import type { MethodOutput } from '../../../../shared/api/contract';
import { toAreaCode } from '../../../../shared/divisions/format';
import { TARGETS, type TargetKey } from '../../../../shared/reports/indicators';
import { call, errorMessage } from '../../api/client';
import { ErrorBanner } from '../../components/ErrorBanner';
import { readUpload } from '../../lib/files';

type Inputs = MethodOutput<'reports.inputs'>;

/** Rates are kept as fractions and typed as percentages */
const toField = (key: TargetKey, v: number | null | undefined) => {
  if (v === null || v === undefined) return '';
  const t = TARGETS.find((x) => x.key === key)!;
  return t.format === 'percent' ? String(Math.round(v * 10000) / 100) : String(v);
};
const fromField = (key: TargetKey, s: string): number | null => {
  const t = TARGETS.find((x) => x.key === key)!;
  if (s.trim() === '') return null;
  const n = Number(s.trim());
  if (!Number.isFinite(n) || n < 0) throw new Error(`${t.label}应为不小于 0 的数`);
  return t.format === 'percent' ? n / 100 : n;
};

export function InputsView({ onChanged }: { onChanged: () => void }) {
  const [inputs, setInputs] = useState<Inputs | null>(null);
  const [pop, setPop] = useState<Record<string, string>>({});
  const [targets, setTargets] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const apply = (r: Inputs) => {
    setInputs(r);
    setPop(Object.fromEntries(r.areas.map((a) => [a.code, a.population === null ? '' : String(a.population)])));
    const own = r.areas[0]?.targets ?? {};
    setTargets(Object.fromEntries(TARGETS.map((t) => [t.key, toField(t.key, own[t.key])])));
  };

  useEffect(() => {
    call('reports.inputs', {}).then(apply, (e: unknown) => setError(errorMessage(e)));
  }, []);

  async function savePopulation() {
    setError(null);
    try {
      const entries = Object.entries(pop).map(([code, s]) => {
        const t = s.replace(/[,\s]/g, '');
        if (t !== '' && !/^\d+$/.test(t)) throw new Error(`户籍人口应为整数：${s}`);
        return { code, population: t === '' ? null : Number(t) };
      });
      apply(await call('reports.population.set', { entries }));
      setNotice('户籍人口已保存');
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  async function importFile(file: File) {
    setError(null);
    try {
      const r = await call('reports.population.import', await readUpload(file));
      apply(r);
      setNotice(`已导入 ${r.updated} 个地区的户籍人口`);
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  async function saveTargets() {
    setError(null);
    try {
      const values = Object.fromEntries(TARGETS.map((t) => [t.key, fromField(t.key, targets[t.key] ?? '')]));
      apply(await call('reports.targets.set', { targets: values }));
      setNotice('目标已保存');
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  if (!inputs) return <ErrorBanner message={error} />;
  const area = inputs.areas[0];
  return (
    <div className="inputs" data-testid="report-inputs">
      <ErrorBanner message={error} onClose={() => setError(null)} />
      {notice && (
        <div className="banner banner-ok" role="status">
          <span>{notice}</span>
          <button type="button" className="link" onClick={() => setNotice(null)} aria-label="关闭">
            ×
          </button>
        </div>
      )}
      <section>
        <h2>{area?.name}的目标</h2>
        <div className="target-form">
          {TARGETS.map((t) => (
            <label key={t.key}>
              {t.label}
              {t.format === 'percent' ? '（%）' : ''}
              <input
                type="text"
                inputMode="decimal"
                value={targets[t.key] ?? ''}
                onChange={(e) => setTargets({ ...targets, [t.key]: e.target.value })}
                data-testid={`target-${t.key}`}
              />
            </label>
          ))}
          <button type="button" className="primary" onClick={() => void saveTargets()} data-testid="save-targets">
            保存目标
          </button>
        </div>
      </section>
      <section>
        <div className="page-head">
          <h2>户籍人口</h2>
          <div className="toolbar">
            <label className="file-button">
              从表格导入（两列：地区名称或代码、户籍人口）
              <input
                type="file"
                accept=".xlsx,.csv"
                data-testid="population-file"
                onChange={(e) => {
                  const f = e.target.files?.[0];
                  e.target.value = '';
                  if (f) void importFile(f);
                }}
              />
            </label>
            <button type="button" className="primary" onClick={() => void savePopulation()} data-testid="save-population">
              保存户籍人口
            </button>
          </div>
        </div>
        <table className="data-table">
          <thead>
            <tr>
              <th>地区</th>
              <th>代码</th>
              <th>户籍人口（人）</th>
            </tr>
          </thead>
          <tbody>
            {inputs.areas.map((a) => (
              <tr key={a.code} className={a.isArea ? 'total' : undefined}>
                <td>{a.name}</td>
                <td>{toAreaCode(a.code)}</td>
                <td>
                  <input
                    type="text"
                    inputMode="numeric"
                    value={pop[a.code] ?? ''}
                    onChange={(e) => setPop({ ...pop, [a.code]: e.target.value })}
                    aria-label={`${a.name}户籍人口`}
                    data-testid={`population-${a.code}`}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
