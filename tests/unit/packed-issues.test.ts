/**
 * The grid's issues cross the wire packed: what an issue says is sent once, each issue as its record's id
 * and that text's index. Held here: the grid gets exactly the census's issues in their order, a carried
 * census's issues shrink to a fraction, and a packed list that does not add up is refused.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { packedIssuesSchema, packIssues, unpackIssues, type Issue } from '../../shared/census/issues';
import { censusIssues } from '../../electron/core/services/issues';
import { countyCensus } from '../fixtures/packages';
import type { TestCore } from '../fixtures/core';
import { nextCensus } from '../fixtures/periods';

const opened: TestCore[] = [];
afterAll(() => {
  for (const t of opened) t.close();
});

describe('packed issues', () => {
  it('unpack gives back every issue in its order, records with several issues interleaved', () => {
    const issue = (recordId: string, field: string, rule: string, message: string, severity: Issue['severity'] = 'error'): Issue => ({ table: 'person', recordId, field, rule, severity, message });
    const issues = [
      issue('b', 'name', 'required', '必填'),
      issue('a', 'phone', 'format', '号码 12 位'),
      issue('a', 'name', 'required', '必填'),
      issue('b', 'phone', 'format', '号码 12 位', 'warning'),
      issue('c', '', 'duplicate', '与 b 重复'),
      issue('c', 'name', 'required', '必填'),
    ];
    const packed = packIssues('person', issues);
    // Same field, rule and message but another severity is another kind.
    expect(packed.kinds).toHaveLength(4);
    expect(packed.kindOf).toEqual([0, 1, 0, 2, 3, 0]);
    expect(unpackIssues(packedIssuesSchema.parse(JSON.parse(JSON.stringify(packed))))).toStrictEqual(issues);
    expect(unpackIssues(packIssues('unit', []))).toEqual([]);
    expect(() => packIssues('unit', issues)).toThrow(/person issue among the unit/);
  });

  it('refuses a packed list that does not add up', () => {
    const ok = packIssues('person', [{ table: 'person', recordId: 'a', field: 'name', rule: 'required', severity: 'error', message: '必填' }]);
    expect(packedIssuesSchema.safeParse(ok).success).toBe(true);
    expect(packedIssuesSchema.safeParse({ ...ok, kindOf: [1] }).success).toBe(false);
    expect(packedIssuesSchema.safeParse({ ...ok, recordIds: ['a', 'b'] }).success).toBe(false);
    expect(packedIssuesSchema.safeParse({ ...ok, kindOf: [-1] }).success).toBe(false);
  });

  it('gives the grid of a carried census its issues at a fraction of their size', async () => {
    const last = await countyCensus('110101', 2000, 9);
    opened.push(last);
    const next = await nextCensus(last.core.dbPath, '2027-12-31');
    opened.push(next);
    const got = await next.call('grid.issues', { table: 'person' });
    const expected = censusIssues(next.core.ctx).issues.filter((i) => i.table === 'person');
    // Every carried person is 待确认: at least one issue each.
    expect(expected.filter((i) => i.rule === 'change_pending')).toHaveLength(2000);
    expect(unpackIssues(got.issues)).toStrictEqual(expected);
    expect(got.counts.error).toBe(expected.filter((i) => i.severity === 'error').length);
    const packedBytes = JSON.stringify(got.issues).length;
    const plainBytes = JSON.stringify(expected).length;
    expect(packedBytes).toBeLessThan(plainBytes * 0.3);
  }, 60_000);
});
