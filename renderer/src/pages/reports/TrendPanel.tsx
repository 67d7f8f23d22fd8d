/**
 * 历次统计对比: the headline indicators of each census of this area held in this file's history
 * (carried from census to census), beside the targets and the year each is due.
 */
import { useEffect, useState } from 'react';
import type { Trend } from '../../../../shared/api/methods/periods';
import { screenValue } from '../../lib/format';
import { call, errorMessage } from '../../api/client';
import { BarChart } from './BarChart';

const COLUMNS = [
  { key: 'persons', label: '总量（人）', format: 'integer', target: 'totalTalents' },
  { key: 'holders', label: '持证人数', format: 'integer', target: 'certified' },
  { key: 'certRate', label: '持证率', format: 'percent', target: 'certRate' },
  { key: 'perMille', label: '占户籍人口比例（‰）', format: 'permille', target: 'perMille' },
] as const;

export function TrendPanel() {
  const [trend, setTrend] = useState<Trend | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    call('periods.trend', {}).then(
      (t) => live && setTrend(t),
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, []);
  if (error) return <p className="field-error">{error}</p>;
  // A trend needs an earlier census at hand.
  if (!trend || trend.periods.length < 2) return null;
  const target = (key: string) => trend.targets.find((t) => t.key === key);
  const setDeadline = (key: string, raw: string) => {
    const year = raw.trim() === '' ? null : Number(raw);
    if (year !== null && !(Number.isInteger(year) && year >= 2000 && year <= 2100)) return;
    void call('periods.deadline.set', { key: key as Trend['targets'][number]['key'], year }).then(setTrend, (e: unknown) => setError(errorMessage(e)));
  };
  return (
    <section className="trend" data-testid="trend">
      <h2>历次统计对比（{trend.areaName}）</h2>
      <div className="report-scroll">
        <table className="data-table summary">
          <thead>
            <tr>
              <th>统计时点</th>
              {COLUMNS.map((c) => (
                <th key={c.key} className="c">
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {trend.periods.map((p) => (
              <tr key={p.refDate} className={p.current ? 'total' : undefined} data-period={p.refDate}>
                <th scope="row">
                  {p.refDate}
                  {p.current ? '（本期）' : ''}
                </th>
                {COLUMNS.map((c) => (
                  <td key={c.key} className="n" data-col={c.key}>
                    {screenValue(p[c.key], c.format)}
                  </td>
                ))}
              </tr>
            ))}
            <tr className="unknown" data-period="target">
              <th scope="row">目标（截止年份）</th>
              {COLUMNS.map((c) => {
                const t = target(c.target);
                return (
                  <td key={c.key} className="n" data-col={c.key}>
                    {t?.value == null ? '未设目标' : screenValue(t.value, c.format)}
                    {t?.value != null && (
                      <label className="deadline">
                        ，截止
                        <input
                          type="number"
                          min={2000}
                          max={2100}
                          defaultValue={t.deadline ?? ''}
                          aria-label={`${c.label}目标截止年份`}
                          data-testid={`deadline-${c.target}`}
                          onBlur={(e) => setDeadline(c.target, e.target.value)}
                        />
                        年
                      </label>
                    )}
                  </td>
                );
              })}
            </tr>
          </tbody>
        </table>
      </div>
      <BarChart
        title="总量与持证人数（按统计时点）"
        testid="chart-trend"
        bars={trend.periods.map((p) => ({ label: p.refDate, value: p.persons, note: `持证 ${p.holders} 人` }))}
        onBar={() => undefined}
      />
    </section>
  );
}
