/**
 * Registered population, older people and care-home beds per area (typed, or imported from a sheet),
 * the area's targets with their deadline years, and the census's planning period.
 */
import { useEffect, useState } from 'react';
import type { MethodOutput } from '../../../../shared/api/contract';
import { toAreaCode } from '../../../../shared/divisions/format';
import { PLANNING_PERIODS } from '../../../../shared/census/planning';
import { AREA_FIGURES, TARGETS, type TargetKey } from '../../../../shared/reports/indicators';
import { call, errorMessage, upload } from '../../api/client';
import { ErrorBanner } from '../../components/ErrorBanner';
import { FilePicker } from '../../components/FilePicker';

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
  const [deadlines, setDeadlines] = useState<Record<string, string>>({});
  const [figures, setFigures] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const apply = (r: Inputs) => {
    setInputs(r);
    setPop(Object.fromEntries(r.areas.map((a) => [a.code, a.population === null ? '' : String(a.population)])));
    setFigures(Object.fromEntries(r.areas.flatMap((a) => AREA_FIGURES.map((f) => [`${f.key}|${a.code}`, a[f.key] === null ? '' : String(a[f.key])]))));
    const own = r.areas[0]?.targets ?? {};
    setTargets(Object.fromEntries(TARGETS.map((t) => [t.key, toField(t.key, own[t.key])])));
    const due = r.areas[0]?.deadlines ?? {};
    setDeadlines(Object.fromEntries(TARGETS.map((t) => [t.key, due[t.key] === undefined || due[t.key] === null ? '' : String(due[t.key])])));
  };

  useEffect(() => {
    call('reports.inputs', {}).then(apply, (e: unknown) => setError(errorMessage(e)));
  }, []);

  async function savePopulation() {
    setError(null);
    try {
      const count = (label: string, s: string): number | null => {
        const t = s.replace(/[,\s]/g, '');
        if (t !== '' && !/^\d+$/.test(t)) throw new Error(`${label}应为整数：${s}`);
        return t === '' ? null : Number(t);
      };
      const entries = Object.entries(pop).map(([code, s]) => ({
        code,
        population: count('户籍人口', s),
        ...Object.fromEntries(AREA_FIGURES.map((f) => [f.key, count(f.label, figures[`${f.key}|${code}`] ?? '')])),
      }));
      apply(await call('reports.population.set', { entries }));
      setNotice('户籍人口、老年人口和养老机构床位数已保存');
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  async function importFile(file: File) {
    setError(null);
    try {
      const r = await call('reports.population.import', await upload(file));
      apply(r);
      setNotice(`已导入 ${r.updated} 个地区的户籍人口等数据`);
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  async function saveTargets() {
    setError(null);
    try {
      const values = Object.fromEntries(TARGETS.map((t) => [t.key, fromField(t.key, targets[t.key] ?? '')]));
      const years = Object.fromEntries(
        TARGETS.map((t) => {
          const y = (deadlines[t.key] ?? '').trim();
          if (y !== '' && !/^\d{4}$/.test(y)) throw new Error(`${t.label}的期限应为四位年份，如 2027`);
          return [t.key, y === '' || values[t.key] === null ? null : Number(y)];
        }),
      );
      apply(await call('reports.targets.set', { targets: values, deadlines: years }));
      setNotice('目标已保存');
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  async function setPlanning(start: number) {
    setError(null);
    try {
      await call('census.setPlanningPeriod', { planningStart: start });
      apply(await call('reports.inputs', {}));
      setNotice('规划期已保存');
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
        <label className="planning">
          规划期（累计培训学时、规划期内新取得证书和目标进度按此计算）
          <select value={inputs.planningStart} onChange={(e) => void setPlanning(Number(e.target.value))} data-testid="planning-period">
            {PLANNING_PERIODS.map((p) => (
              <option key={p.start} value={p.start}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <div className="target-form">
          {TARGETS.map((t) => (
            <div key={t.key} className="target-row">
              <label>
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
              <label>
                期限（年底前）
                <input
                  type="text"
                  inputMode="numeric"
                  placeholder="如 2027"
                  value={deadlines[t.key] ?? ''}
                  onChange={(e) => setDeadlines({ ...deadlines, [t.key]: e.target.value })}
                  data-testid={`deadline-${t.key}`}
                />
              </label>
            </div>
          ))}
          <button type="button" className="primary" onClick={() => void saveTargets()} data-testid="save-targets">
            保存目标
          </button>
        </div>
      </section>
      <section>
        <div className="page-head">
          <h2>户籍人口、老年人口与养老机构床位</h2>
          <div className="toolbar">
            <FilePicker
              label="从表格导入（地区名称或代码、户籍人口；可有老年人口、养老机构床位数列）…"
              accept=".xlsx,.csv"
              onFiles={(files) => void importFile(files[0]!)}
              testId="population-file"
            />
            <button type="button" className="primary" onClick={() => void savePopulation()} data-testid="save-population">
              保存
            </button>
          </div>
        </div>
        <table className="data-table">
          <thead>
            <tr>
              <th>地区</th>
              <th>代码</th>
              <th>户籍人口（人）</th>
              {AREA_FIGURES.map((f) => (
                <th key={f.key} title={f.hint}>
                  {f.label}（{f.key === 'careBeds' ? '张' : '人'}）
                </th>
              ))}
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
                {AREA_FIGURES.map((f) => (
                  <td key={f.key}>
                    <input
                      type="text"
                      inputMode="numeric"
                      value={figures[`${f.key}|${a.code}`] ?? ''}
                      onChange={(e) => setFigures({ ...figures, [`${f.key}|${a.code}`]: e.target.value })}
                      aria-label={`${a.name}${f.label}`}
                      data-testid={`${f.key}-${a.code}`}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
