/** 报送情况: every expected sub-area, what it has sent, and the state of its records here. */
import type { MethodOutput } from '../../../../shared/api/contract';
import { countText, localDateTime } from '../../lib/format';

type Board = MethodOutput<'packages.board'>;

const statusText = { received: '已报送', zero: '零报告', partial: '部分报送', missing: '未报送' } as const;

type Row = Board['rows'][number];
type Info = Row['packages'][number];

/**
 * From this many packages in one row (a city whose counties report straight here) the row lists them in
 * a fold instead of three cells of twenty names each.
 */
const FOLD_FROM = 3;

const shortName = (p: Info) => p.areaName.split(' / ').pop();

/** Earliest and latest receipt, as one time when they are the same minute */
function receivedRange(packages: Info[]): string {
  const times = packages.map((p) => localDateTime(p.receivedAt, false)).sort();
  return times[0] === times[times.length - 1] ? times[0]! : `${times[0]} 至 ${times[times.length - 1]}`;
}

function Packages({ row }: { row: Row }) {
  const list = row.packages;
  if (list.length === 0) return <>—</>;
  if (list.length < FOLD_FROM) return <>{list.map((p) => (list.length > 1 ? `${shortName(p)} 第${p.sequence}次` : `第${p.sequence}次`)).join('；')}</>;
  return (
    <details className="pkg-fold" data-testid="board-packages">
      <summary>{list.length} 个上报包</summary>
      <ul>
        {list.map((p) => (
          <li key={p.packageId}>
            {shortName(p)} 第{p.sequence}次 · {p.officeName} · {localDateTime(p.receivedAt, false)}
          </li>
        ))}
      </ul>
    </details>
  );
}

export function BoardPanel({ board, onDuplicates }: { board: Board; onDuplicates: () => void }) {
  const t = board.totals;
  return (
    <section data-testid="pkg-board">
      <h2>报送情况</h2>
      <div className="pkg-totals" data-testid="board-summary">
        <span>应报 <b>{t.expected}</b></span>
        <span data-testid="board-reported">已报 <b>{t.expected - t.missing}/{t.expected}</b></span>
        <span>完整 <b data-testid="board-received">{t.received}</b></span>
        <span>零报告 <b>{t.zero}</b></span>
        {t.partial > 0 && <span>部分报送 <b>{t.partial}</b></span>}
        <span className={t.missing ? 'count-warning' : ''}>未报 <b data-testid="board-missing">{t.missing}</b></span>
        <span>
          人员 <b data-testid="board-persons">{countText(board.persons)}</b>
          {board.countedPersons === null ? '（合并中：计入人数合并完成后计算）' : `（计入 ${countText(board.countedPersons)}）`}
        </span>
        <span>单位 <b>{countText(board.units)}</b></span>
      </div>
      {board.pendingDuplicates !== null && board.pendingDuplicates > 0 && (
        <div className="banner banner-warn" data-testid="board-pending">
          有 {board.pendingDuplicates} 名人员同时由两个地区报送，待决定。汇总时每人只计一次。{' '}
          <button type="button" className="link" onClick={onDuplicates}>
            去处理
          </button>
        </div>
      )}
      <div className="io-list pkg-board-table">
        <table>
          <thead>
            <tr>
              <th>地区</th>
              <th>状态</th>
              <th>序号</th>
              <th>人员</th>
              <th>单位</th>
              <th>错误</th>
              <th>警告（未说明）</th>
              <th>报送单位</th>
              <th>收到时间</th>
              <th>审核退回</th>
            </tr>
          </thead>
          <tbody>
            {board.rows.map((r) => (
              <tr key={r.areaCode} data-testid="board-row" data-area={r.areaCode} data-status={r.status}>
                <td className="nowrap">{r.areaName.split(' / ').pop()}</td>
                <td className="nowrap">
                  <span className={`pkg-status pkg-${r.status}`}>{statusText[r.status]}</span>
                  {r.below && r.below.included < r.below.expected && (
                    <span className="pkg-below" data-testid="board-below" title={`未报：${r.below.missingNames.join('、')}`}>
                      {' '}已报 {r.below.included}/{r.below.expected}
                    </span>
                  )}
                </td>
                <td><Packages row={r} /></td>
                <td>{r.status === 'missing' ? '—' : countText(r.persons)}</td>
                <td>{r.status === 'missing' ? '—' : countText(r.units)}</td>
                <td className={r.errors ? 'error' : ''}>{r.status === 'missing' ? '—' : countText(r.errors)}</td>
                <td className={r.unexplainedWarnings ? 'warning' : ''}>{r.status === 'missing' ? '—' : `${countText(r.warnings)}（${countText(r.unexplainedWarnings)}）`}</td>
                <td>{r.packages.length < FOLD_FROM ? r.packages.map((p) => p.officeName).join('；') : `${r.packages.length} 个（见序号）`}</td>
                <td className={r.packages.length < FOLD_FROM ? undefined : 'nowrap'}>
                  {r.packages.length === 0 ? '' : r.packages.length < FOLD_FROM ? r.packages.map((p) => localDateTime(p.receivedAt, false)).join('；') : receivedRange(r.packages)}
                </td>
                <td data-testid="board-feedback">
                  {r.feedback.sent === 0 ? '—' : r.feedback.answered === r.feedback.sent ? `已退回 ${r.feedback.sent}，已答复` : `已退回 ${r.feedback.sent}，已答复 ${r.feedback.answered}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
