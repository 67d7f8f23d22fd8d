/**
 * The issues panel's summary: the table's issues counted by field and rule (必填项为空·城乡 425); one
 * click filters the grid to the records with that issue, a second click (or 取消) shows all again.
 */
import { useMemo } from 'react';
import { fieldLabel } from '../../../shared/census/dictionary';
import { ruleTitle } from '../../../shared/census/rules';
import { countText } from '../lib/format';
import type { GridController } from './controller';
import { useGridSelector } from './useGridStatus';

export function IssueSummary({ ctrl }: { ctrl: GridController }) {
  const issuesVersion = useGridSelector(ctrl, (s) => s.issuesVersion);
  const filterVersion = useGridSelector(ctrl, (s) => s.filterVersion);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the rows change in place; the version says when
  const summary = useMemo(() => ctrl.rows.issueSummary(), [ctrl, issuesVersion]);
  const active = ctrl.search.issue;
  void filterVersion;
  if (summary.length === 0) return null;
  return (
    <div className="hc-issue-summary" data-testid="grid-issue-summary">
      <div className="hc-issue-summary-head">
        <strong>按字段和规则汇总</strong>
        {active && (
          <button type="button" className="hc-link" data-testid="grid-issue-summary-clear" onClick={() => ctrl.setIssueFilter(null)}>
            取消筛选
          </button>
        )}
      </div>
      <ul>
        {summary.map((s) => {
          const label = `${ruleTitle(s.rule)}·${s.field ? fieldLabel(ctrl.table, s.field) : '整条记录'}`;
          const on = active?.rule === s.rule && active.field === s.field;
          return (
            <li key={`${s.rule}|${s.field}`}>
              <button
                type="button"
                className={`hc-issue-group${on ? ' hc-active' : ''}`}
                data-testid="grid-issue-group"
                data-rule={s.rule}
                data-field={s.field}
                aria-pressed={on}
                title={on ? '再点一次显示全部行' : '只显示有此问题的行'}
                onClick={() => ctrl.setIssueFilter(on ? null : { field: s.field, rule: s.rule, label })}
              >
                <span className={`badge ${s.severity}`}>{s.severity === 'error' ? '错误' : '警告'}</span> {label}
                <span className="hc-issue-count" data-testid="grid-issue-group-count">{countText(s.count)}</span>
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
