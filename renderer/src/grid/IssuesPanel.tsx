/**
 * The table's issues beside the grid: filter by severity and rule, click to jump to the cell,
 * write a warning's 核实说明 in place.
 */
import { useEffect, useState } from 'react';
import type { MethodOutput } from '../../../shared/api/contract';
import { fieldLabel } from '../../../shared/census/dictionary';
import type { Severity } from '../../../shared/census/issues';
import { ruleTitle } from '../../../shared/census/rules';
import { call, errorMessage } from '../api/client';
import { countText } from '../lib/format';
import type { GridController } from './controller';
import { IssueSummary } from './IssueSummary';
import { useGridSelector } from './useGridStatus';

type IssueRow = MethodOutput<'issues.list'>['issues'][number];
const LIMIT = 300;

function Explain({ issue, onSaved }: { issue: IssueRow; onSaved(): void }) {
  const [text, setText] = useState(issue.explanation ?? '');
  const [state, setState] = useState<'idle' | 'saving' | 'saved' | string>('idle');
  const save = () => {
    setState('saving');
    call('issues.explain', { table: issue.table, recordId: issue.recordId, field: issue.field, rule: issue.rule, text })
      .then(() => {
        setState('saved');
        onSaved();
      })
      .catch((e: unknown) => setState(errorMessage(e)));
  };
  return (
    <div className="hc-explain">
      <input
        data-testid="grid-issue-explain"
        value={text}
        placeholder="核实说明（如：返聘人员，仍在岗）"
        maxLength={500}
        onChange={(e) => {
          setText(e.target.value);
          setState('idle');
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') save();
        }}
      />
      <button type="button" data-testid="grid-issue-explain-save" onClick={save} disabled={state === 'saving'}>
        保存说明
      </button>
      {state === 'saved' && <span className="ok" data-testid="grid-issue-explained">已保存</span>}
      {state !== 'idle' && state !== 'saving' && state !== 'saved' && <span className="hc-err-text">{state}</span>}
    </div>
  );
}

export function IssuesPanel({ ctrl }: { ctrl: GridController }) {
  const issuesVersion = useGridSelector(ctrl, (s) => s.issuesVersion);
  const [severity, setSeverity] = useState<Severity | ''>('');
  const [rule, setRule] = useState('');
  const [page, setPage] = useState<MethodOutput<'issues.list'> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [refresh, setRefresh] = useState(0);

  useEffect(() => {
    let live = true;
    const t = setTimeout(() => {
      call('issues.list', { table: ctrl.table, limit: LIMIT, ...ctrl.scope(), ...(severity ? { severity } : {}), ...(rule ? { rule } : {}) })
        .then((p) => {
          if (!live) return;
          setPage(p);
          setError(null);
        })
        .catch((e: unknown) => live && setError(errorMessage(e)));
    }, 500);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [ctrl, severity, rule, issuesVersion, refresh]);

  return (
    <aside className="hc-side" data-testid="grid-issues-panel">
      <h2>问题（{ctrl.table === 'person' ? '人员' : '单位'}）</h2>
      <div className="hc-side-filters">
        <select data-testid="grid-issues-severity" value={severity} onChange={(e) => setSeverity(e.target.value as Severity | '')}>
          <option value="">全部</option>
          <option value="error">错误</option>
          <option value="warning">警告</option>
        </select>
        <select data-testid="grid-issues-rule" value={rule} onChange={(e) => setRule(e.target.value)}>
          <option value="">全部规则</option>
          {Object.entries(page?.byRule ?? {}).map(([code, n]) => (
            <option key={code} value={code}>
              {ruleTitle(code)}（{n}）
            </option>
          ))}
          {rule && !(page?.byRule ?? {})[rule] && <option value={rule}>{ruleTitle(rule)}（0）</option>}
        </select>
      </div>
      <IssueSummary ctrl={ctrl} />
      {error && <p className="hc-err-text">{error}</p>}
      <p className="meta" data-testid="grid-issues-total">
        {/* Until the first answer there is no count to show: 共 0 个 would read as "no problems" */}
        {page ? `共 ${countText(page.total)} 个${page.total > LIMIT ? `，显示前 ${LIMIT} 个` : ''}` : error ? '' : '正在统计问题…'}
      </p>
      <ul className="hc-issue-list">
        {(page?.issues ?? []).map((i) => (
          <li key={`${i.recordId}|${i.field}|${i.rule}`} data-testid="grid-issue" data-severity={i.severity} data-rule={i.rule}>
            <button type="button" className="hc-issue-jump" data-testid="grid-issue-jump" onClick={() => ctrl.jumpTo(i.recordId, i.field)}>
              <span className={`badge ${i.severity}`}>{i.severity === 'error' ? '错误' : '警告'}</span>
              <strong>{i.recordLabel}</strong> · {i.field ? fieldLabel(i.table, i.field) : '整条记录'}
              <span className="hc-issue-msg">{i.message}</span>
            </button>
            {i.severity === 'warning' && <Explain issue={i} onSaved={() => setRefresh((n) => n + 1)} />}
          </li>
        ))}
      </ul>
    </aside>
  );
}
