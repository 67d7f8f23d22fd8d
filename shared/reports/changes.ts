/**
 * 表6 人员变动情况: last census's headcount, joiners and leavers by reason, this census's headcount,
 * and certificate holders gained and lost, by sub-area. Computed from the records alone (变动情况 and
 * 上期职业资格等级 travel in packages), so a county, a city and a province build the same table and
 * every column adds up from sub-areas to their parent. In every row 本期 = 上期 + 新增 − 减少 and
 * 本期持证 = 上期持证 + 新增持证 − 减少持证, by construction:
 * - a carried person (待确认, 留任, 离开) was in last census's count, a joiner (新增) was not;
 * - a person with no 变动情况 (a census not started from a last one) counts as joined, reason 未注明;
 * - a row is the sub-area of the person's township (a leaver keeps the township they left from).
 * Persons held back as cross-area duplicates are left out entirely, like in 表1–表5.
 */
import { CHANGE_PENDING, changeKind, JOIN_CODES, LEAVE_CODES, reasonLabel } from '../census/change';
import { CERT_LEVELS } from './indicators';
import type { RecordLike } from './filter';
import type { ReportColumn, ReportCoverage, ReportRow, ReportTable } from './schema';

export const CHANGE_TABLE_ID = 'T6';
export const CHANGE_TABLE_TITLE = '表6 人员变动情况';

export interface ChangeEnv {
  area: { code: string; name: string };
  subAreas: readonly { code: string; name: string; townships: readonly string[] }[];
  excludedPersonIds: ReadonlySet<string>;
  pendingDuplicates: number;
  coverage?: ReportCoverage | null | undefined;
}

const UNSTATED = 'joinUnstated';

interface ColumnSpec {
  key: string;
  group: string | null;
  label: string;
}

const spec = (key: string, group: string | null, label: string): ColumnSpec => ({ key, group, label });

export const CHANGE_COLUMNS: readonly ColumnSpec[] = [
  spec('prev', null, '上期人数'),
  spec('joined', null, '新增'),
  ...JOIN_CODES.map((c) => spec(`join${c}`, '新增原因', reasonLabel(c))),
  spec(UNSTATED, '新增原因', '未注明'),
  spec('left', null, '减少'),
  ...LEAVE_CODES.map((c) => spec(`leave${c}`, '减少原因', reasonLabel(c))),
  spec('current', null, '本期人数'),
  spec('pending', null, '其中：待确认'),
  spec('holdersPrev', '持证人数', '上期'),
  spec('holdersNew', '持证人数', '新增'),
  spec('holdersLost', '持证人数', '减少'),
  spec('holders', '持证人数', '本期'),
];

const index = new Map(CHANGE_COLUMNS.map((c, i) => [c.key, i]));
const at = (key: string) => index.get(key)!;

/** The person fields this table reads (besides the id) */
export const CHANGE_FIELDS_READ = ['change', 'township', 'qualLevel', 'prevQualLevel'] as const;

const isHolder = (v: unknown) => typeof v === 'string' && CERT_LEVELS.includes(v);

/** Adds one person's contribution to a row of counts */
function tally(cells: number[], r: RecordLike): void {
  const d = r.data;
  const kind = changeKind(d.change);
  const carried = kind === 'pending' || kind === 'stayed' || kind === 'left';
  const left = kind === 'left';
  if (carried) cells[at('prev')]!++;
  if (kind === 'joined' || kind === null) {
    cells[at('joined')]!++;
    cells[at(kind === null ? UNSTATED : `join${d.change as string}`)]!++;
  }
  if (left) {
    cells[at('left')]!++;
    cells[at(`leave${d.change as string}`)]!++;
  } else {
    cells[at('current')]!++;
    if (d.change === CHANGE_PENDING) cells[at('pending')]!++;
  }
  const before = carried && isHolder(d.prevQualLevel);
  const now = !left && isHolder(d.qualLevel);
  if (before) cells[at('holdersPrev')]!++;
  if (now) cells[at('holders')]!++;
  if (now && !before) cells[at('holdersNew')]!++;
  if (before && !now) cells[at('holdersLost')]!++;
}

export function computeChangeTable(persons: Iterable<RecordLike>, env: ChangeEnv): ReportTable {
  const width = CHANGE_COLUMNS.length;
  const townshipIndex = new Map<string, number>();
  env.subAreas.forEach((a, i) => a.townships.forEach((t) => townshipIndex.set(t, i)));
  const unknown = env.subAreas.length;
  const rows = Array.from({ length: env.subAreas.length + 1 }, () => new Array<number>(width).fill(0));
  const total = new Array<number>(width).fill(0);
  for (const p of persons) {
    if (env.excludedPersonIds.has(p.id)) continue;
    const t = p.data.township;
    const i = (typeof t === 'string' ? townshipIndex.get(t) : undefined) ?? unknown;
    tally(rows[i]!, p);
    tally(total, p);
  }
  const statusOf = new Map((env.coverage?.rows ?? []).map((r) => [r.code, r.status]));
  const out: ReportRow[] = [{ key: 'total', label: env.area.name, section: null, kind: 'total', areaCode: env.area.code, values: total }];
  env.subAreas.forEach((a, i) => {
    const v = rows[i]!;
    const status = statusOf.get(a.code);
    const empty = v.every((x) => x === 0);
    out.push({
      key: a.code, label: a.name, section: null, kind: 'item', areaCode: a.code,
      // Nothing reported is not zero (未报), as in 表1–表5.
      values: status === 'missing' && empty ? v.map(() => null) : v,
      ...(status ? { status } : {}),
    });
  });
  if (rows[unknown]!.some((x) => x !== 0))
    out.push({ key: '_unknown', label: '未能归属到下级地区', section: null, kind: 'unknown', areaCode: null, values: rows[unknown]! });
  const columns: ReportColumn[] = CHANGE_COLUMNS.map((c) => ({
    key: c.key, group: c.group, label: c.label, kind: 'count', format: 'integer', additive: true, linked: false, linkedTotal: false,
  }));
  return {
    id: CHANGE_TABLE_ID,
    title: CHANGE_TABLE_TITLE,
    notes: [
      '计量单位：人。本期人数 = 上期人数 + 新增 − 减少；本期持证人数 = 上期 + 新增 − 减少',
      '在本地区各下级地区之间调动的人员，在调出地计「调出本地区」、在调入地计「调入」，本期只计一次',
      '离开的人员保留在名单中，只计入本表的减少，不计入表1至表5',
      ...(env.pendingDuplicates > 0 ? [`另有 ${env.pendingDuplicates} 名跨地区重复人员待核定，表中每人只计一次`] : []),
      ...(env.coverage ? [env.coverage.text] : []),
    ],
    pendingDuplicates: env.pendingDuplicates,
    columns,
    rows: out,
  };
}
