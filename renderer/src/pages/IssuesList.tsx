/** Every open problem of the census; warnings get their 核实说明 written inline. */
import { useEffect, useState } from 'react';
import type { MethodOutput } from '../../../shared/api/contract';
import { fieldLabel, tableLabels, type TableName } from '../../../shared/census/dictionary';
import type { Severity } from '../../../shared/census/issues';
import { ruleTitle } from '../../../shared/census/rules';
import { call, errorMessage } from '../api/client';
import { ErrorBanner } from '../components/ErrorBanner';
import { ReceivedFeedback } from './feedback/ReceivedFeedback';
import { Pager } from '../components/Pager';
import { countText } from '../lib/format';
import type { Route } from '../lib/route';

const PAGE_SIZE = 200;

type IssueRow = MethodOutput<'issues.list'>['issues'][number];
type Page = MethodOutput<'issues.list'>;

const severityLabel: Record<Severity, string> = { error: '错误', warning: '警告' };

function rowKey(i: IssueRow): string {
  return `${i.table}|${i.recordId}|${i.field}|${i.rule}`;
}

export function IssuesList({ navigate }: { navigate: (route: Route) => void }) {
  const [severity, setSeverity] = useState<Severity | ''>('');
  const [table, setTable] = useState<TableName | ''>('');
  const [offset, setOffset] = useState(0);
  // One group of the summary (必填项为空·城乡): the list shows only its issues
  const [group, setGroup] = useState<Group | null>(null);
  // The summary as it was before a group was picked, so every group stays one click away
  const [groups, setGroups] = useState<Group[]>([]);
  const [page, setPage] = useState<Page | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    call('issues.list', {
      offset,
      limit: PAGE_SIZE,
      ...(severity ? { severity } : {}),
      ...(group ? { table: group.table, field: group.field, rule: group.rule } : table ? { table } : {}),
    })
      .then((p) => {
        if (!live) return;
        setPage(p);
        if (!group) setGroups(p.byFieldRule ?? []);
        setError(null);
      })
      .catch((e: unknown) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, [severity, table, offset, group]);

  const open = (i: IssueRow) => navigate({ page: 'form', table: i.table, id: i.recordId });
  const total = page?.total ?? 0;

  return (
    <div className="page issues-page" data-testid="issues">
      <div className="page-head">
        <h1>问题清单</h1>
        <div className="toolbar">
          <label>
            严重程度
            <select
              value={severity}
              onChange={(e) => {
                setSeverity(e.target.value as Severity | '');
                setOffset(0);
              }}
              data-testid="issues-filter-severity"
            >
              <option value="">全部</option>
              <option value="error">错误</option>
              <option value="warning">警告</option>
            </select>
          </label>
          <label>
            记录类型
            <select
              value={table}
              onChange={(e) => {
                setTable(e.target.value as TableName | '');
                setOffset(0);
              }}
              data-testid="issues-filter-table"
            >
              <option value="">全部</option>
              <option value="person">人员</option>
              <option value="unit">单位</option>
            </select>
          </label>
        </div>
      </div>
      <ReceivedFeedback navigate={navigate} />
      <ErrorBanner message={error} />
      {groups.length > 0 && (
        <Summary
          groups={groups}
          active={group}
          onPick={(g) => {
            setGroup(g);
            setOffset(0);
          }}
        />
      )}
      {page && (
        <div className="list-info">
          共 <strong data-testid="issues-total">{countText(total)}</strong> 条；全部问题中
          <span className="count-error"> 错误 {countText(page.counts.error)}</span>，
          <span className="count-warning">警告 {countText(page.counts.warning)}</span>
        </div>
      )}
      <table className="data-table">
        <thead>
          <tr>
            <th>严重程度</th>
            <th>类型</th>
            <th>记录</th>
            <th>字段</th>
            <th>问题</th>
            <th>来源</th>
            <th className="explain-col">核实说明</th>
          </tr>
        </thead>
        <tbody>
          {page?.issues.map((i) => (
            <tr
              key={rowKey(i)}
              className="clickable"
              tabIndex={0}
              data-testid="issue-row"
              data-severity={i.severity}
              onClick={() => open(i)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && e.target === e.currentTarget) open(i);
              }}
            >
              <td>
                <span className={`badge ${i.severity}`}>{severityLabel[i.severity]}</span>
              </td>
              <td>{tableLabels[i.table]}</td>
              <td data-testid="issue-record">{i.recordLabel}</td>
              <td data-testid="issue-field">{i.field ? fieldLabel(i.table, i.field) : '（整条记录）'}</td>
              <td data-testid="issue-message">{i.message}</td>
              <td className="source">{i.source ? `${i.source.file}${i.source.sheet ? ` / ${i.source.sheet}` : ''} 第 ${i.source.row} 行` : ''}</td>
              <td className="explain-col" onClick={(e) => e.stopPropagation()} onKeyDown={(e) => e.stopPropagation()}>
                {i.severity === 'warning' ? <ExplainCell issue={i} /> : null}
              </td>
            </tr>
          ))}
          {page && page.issues.length === 0 && (
            <tr>
              <td colSpan={7} className="empty" data-testid="issues-empty">
                没有问题
              </td>
            </tr>
          )}
        </tbody>
      </table>
      <Pager offset={offset} pageSize={PAGE_SIZE} total={total} onOffset={setOffset} />
    </div>
  );
}

type Group = NonNullable<Page['byFieldRule']>[number];

function sameGroup(a: Group | null, b: Group): boolean {
  return !!a && a.table === b.table && a.field === b.field && a.rule === b.rule;
}

/** Issues by field and rule with counts, most first; one click lists only that group, another click all again */
function Summary({ groups, active, onPick }: { groups: Group[]; active: Group | null; onPick: (g: Group | null) => void }) {
  const [all, setAll] = useState(false);
  const shown = all ? groups : groups.slice(0, 24);
  return (
    <div className="issue-summary" data-testid="issues-summary">
      <span className="io-more">按字段和规则汇总（点击只看这一类）：</span>
      {shown.map((g) => (
        <button
          key={`${g.table}.${g.field}.${g.rule}`}
          type="button"
          className={`chip ${g.severity}${sameGroup(active, g) ? ' active' : ''}`}
          aria-pressed={sameGroup(active, g)}
          onClick={() => onPick(sameGroup(active, g) ? null : g)}
          data-testid="issues-summary-group"
          data-field={g.field}
          data-rule={g.rule}
        >
          {ruleTitle(g.rule)}·{g.field ? fieldLabel(g.table, g.field) : tableLabels[g.table]} <b>{countText(g.count)}</b>
        </button>
      ))}
      {groups.length > shown.length && (
        <button type="button" className="link" onClick={() => setAll(true)}>
          另有 {groups.length - shown.length} 类…
        </button>
      )}
      {active && (
        <button type="button" className="link" onClick={() => onPick(null)} data-testid="issues-summary-clear">
          显示全部
        </button>
      )}
    </div>
  );
}

function ExplainCell({ issue }: { issue: IssueRow }) {
  const [text, setText] = useState(issue.explanation ?? '');
  const [saved, setSaved] = useState(issue.explanation ?? '');
  const [state, setState] = useState<'idle' | 'saving' | 'saved'>('idle');
  const [error, setError] = useState<string | null>(null);
  const changed = text.trim() !== saved.trim();

  async function save() {
    if (!changed) return;
    setState('saving');
    try {
      await call('issues.explain', {
        table: issue.table,
        recordId: issue.recordId,
        field: issue.field,
        rule: issue.rule,
        text: text.trim(),
      });
      setSaved(text.trim());
      setState('saved');
      setError(null);
    } catch (e) {
      setState('idle');
      setError(errorMessage(e));
    }
  }

  return (
    <div className="explain">
      <input
        type="text"
        maxLength={500}
        placeholder="填写核实说明，回车保存"
        aria-label="核实说明"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setState('idle');
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            void save();
          }
        }}
        data-testid="issue-explain-input"
      />
      <button type="button" disabled={!changed || state === 'saving'} onClick={() => void save()} data-testid="issue-explain-save">
        保存
      </button>
      {state === 'saved' && !changed && (
        <span className="ok" data-testid="issue-explain-saved">
          已保存
        </span>
      )}
      {error && <span className="field-msg error">{error}</span>}
    </div>
  );
}
