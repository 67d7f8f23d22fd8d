/** First start: choose the census area, level and reference date. */
import { useState, type FormEvent } from 'react';
import type { CensusSettings, DivisionDto, Level } from '../../../shared/api/contract';
import { call, errorMessage } from '../api/client';
import { toAreaCode } from '../../../shared/divisions/format';
import { DivisionPicker } from '../components/DivisionPicker';
import { ErrorBanner } from '../components/ErrorBanner';
import { SetupFromLast } from './SetupFromLast';
import { DEFAULT_REF_DATE, levelChoices, validateSetup, type SetupErrors } from '../lib/setup';

export function SetupWizard({ onDone }: { onDone: (s: CensusSettings) => void }) {
  const [level, setLevel] = useState<Level>('county');
  const [area, setArea] = useState<DivisionDto | null>(null);
  const [refDate, setRefDate] = useState(DEFAULT_REF_DATE);
  const [officeName, setOfficeName] = useState('');
  const [operator, setOperator] = useState('');
  const [errors, setErrors] = useState<SetupErrors>({});
  const [serverError, setServerError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const choice = levelChoices.find((c) => c.level === level) ?? levelChoices[0]!;

  async function submit(e: FormEvent) {
    e.preventDefault();
    const found = validateSetup({ area, level, refDate, officeName, operator });
    setErrors(found);
    setServerError(null);
    if (Object.keys(found).length > 0 || !area) {
      const first = Object.keys(found)[0];
      if (first) document.getElementById(`setup-${first}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      const s = await call('census.setup', {
        // The picker's codes are canonical (5323); settings store the 6-digit area code (532300).
        areaCode: toAreaCode(area.code),
        level,
        refDate: refDate.trim(),
        officeName: officeName.trim(),
        operator: operator.trim(),
      });
      onDone(s);
    } catch (err) {
      setServerError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const msg = (k: keyof SetupErrors) =>
    errors[k] ? (
      <div className="field-msg error" id={`setup-${k}-msg`} data-testid={`setup-error-${k}`}>
        {errors[k]}
      </div>
    ) : null;

  return (
    <div className="setup" data-testid="setup">
      <h1>设置本次统计调查</h1>
      <p className="lead">首次使用，请选择本单位负责的地区和统计时点。设置后地区和层级不能再更改。</p>
      <ErrorBanner message={serverError} />
      <form onSubmit={(e) => void submit(e)} noValidate className="setup-form">
        <div className="field">
          <label htmlFor="setup-level">统计层级</label>
          <select
            id="setup-level"
            data-testid="setup-level"
            value={level}
            onChange={(e) => {
              const next = e.target.value as Level;
              setLevel(next);
              if (area && area.level !== next) setArea(null);
            }}
          >
            {levelChoices.map((c) => (
              <option key={c.level} value={c.level}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="setup-area">
            统计地区<span className="required">*</span>
          </label>
          {/* Keyed by level: a new level starts a new search */}
          <DivisionPicker key={level} id="setup-area" levels={choice.divisionLevels} value={area} onChange={setArea} invalid={!!errors.area} />
          {msg('area')}
        </div>
        <div className="field">
          <label htmlFor="setup-refDate">
            统计时点<span className="required">*</span>
          </label>
          <input id="setup-refDate" type="date" data-testid="setup-refdate" value={refDate} onChange={(e) => setRefDate(e.target.value)} />
          <div className="hint">年龄、岗位和人数都按这一天计算</div>
          {msg('refDate')}
        </div>
        <div className="field">
          <label htmlFor="setup-officeName">
            填报单位<span className="required">*</span>
          </label>
          <input
            id="setup-officeName"
            type="text"
            maxLength={100}
            data-testid="setup-office"
            placeholder="如 东城区民政局"
            value={officeName}
            onChange={(e) => setOfficeName(e.target.value)}
          />
          {msg('officeName')}
        </div>
        <div className="field">
          <label htmlFor="setup-operator">
            操作员<span className="required">*</span>
          </label>
          <input
            id="setup-operator"
            type="text"
            maxLength={50}
            data-testid="setup-operator"
            placeholder="您的姓名"
            value={operator}
            onChange={(e) => setOperator(e.target.value)}
          />
          <div className="hint">每条修改都会记下操作员</div>
          {msg('operator')}
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy} data-testid="setup-submit">
            {busy ? '正在创建…' : '开始统计调查'}
          </button>
        </div>
      </form>
      <SetupFromLast onDone={onDone} />
    </div>
  );
}
