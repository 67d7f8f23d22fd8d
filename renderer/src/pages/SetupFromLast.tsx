/** The setup wizard's other way: set this empty census up as the next one after a last census file. */
import { useState, type FormEvent } from 'react';
import type { CensusSettings } from '../../../shared/api/contract';
import { call, errorMessage } from '../api/client';
import { CARRYING } from '../lib/next-census';
import { ProgressBar } from './io/ProgressBar';

export function SetupFromLast({ onDone }: { onDone: (s: CensusSettings) => void }) {
  const [path, setPath] = useState('');
  const [refDate, setRefDate] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    if (path.trim() === '') return setError('请填写上期数据库文件的位置');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(refDate)) return setError('请填写本期统计时点');
    setBusy(true);
    try {
      onDone(await call('census.setupFrom', { previousPath: path.trim(), refDate }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="setup-from-last" data-testid="setup-from-last">
      <h2>或者：新建下一期，沿用上期名单</h2>
      <p className="lead">地区、层级和填报单位沿用上期；单位和人员全部带入本期，人员的变动情况为“待确认”。上期数据库只读取，不会改动。</p>
      <form className="inline-form" onSubmit={(e) => void submit(e)}>
        <input
          type="text"
          className="path-input"
          value={path}
          placeholder="上期数据库文件的完整路径，例如 E:\统计调查\census-2026.sqlite"
          onChange={(e) => setPath(e.target.value)}
          aria-label="上期数据库文件路径"
          data-testid="setup-last-path"
        />
        <label>
          本期统计时点 <input type="date" value={refDate} onChange={(e) => setRefDate(e.target.value)} data-testid="setup-last-refdate" />
        </label>
        <button type="submit" disabled={busy} data-testid="setup-last-submit">
          {busy ? '正在沿用…' : '沿用上期名单'}
        </button>
      </form>
      {busy && <ProgressBar progress={CARRYING} />}
      {error && (
        <p className="field-error" role="alert" data-testid="setup-last-error">
          {error}
        </p>
      )}
    </section>
  );
}
