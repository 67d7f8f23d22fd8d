/**
 * census.summary at a city counts the issues of received records from their packages instead of
 * validating them again; the figures must be exactly what the whole-census validation finds,
 * with explained and unexplained warnings, explanations written at the city, and the city's own
 * records (validated here) included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergePackages } from '../../electron/core/services/packages';
import { censusIssues } from '../../electron/core/services/issues';
import type { TestCore } from '../fixtures/core';
import { countyCensus, exportTo, HEFEI, LUYANG, upperCensus, YAOHAI } from '../fixtures/packages';
import { validPerson } from '../fixtures/records';

const opened: TestCore[] = [];
const track = <T extends TestCore>(t: T) => (opened.push(t), t);
afterAll(() => {
  for (const t of opened) t.close();
});

/** The summary's figures as the full validation pass computes them */
function fullPass(t: TestCore) {
  const all = censusIssues(t.core.ctx);
  return { issues: all.counts, explained: all.explainedWarnings, unexplainedWarnings: all.counts.warning - all.explainedWarnings };
}

async function warnTraining(t: TestCore, offsets: number[], explainFirst: boolean): Promise<string[]> {
  const ids: string[] = [];
  for (const [k, offset] of offsets.entries()) {
    const p = (await t.call('persons.list', { offset, limit: 1 })).rows[0]!;
    await t.call('persons.update', { id: p.id, patch: { trainingHours: 450 } });
    if (explainFirst && k === 0)
      await t.call('issues.explain', { table: 'person', recordId: p.id, field: 'trainingHours', rule: 'training_hours_high', text: '全年脱产培训' });
    ids.push(p.id);
  }
  return ids;
}

describe('summary at an upper level', () => {
  let city: TestCore;
  let unexplainedIds: string[];

  beforeAll(async () => {
    const yaohai = track(await countyCensus(YAOHAI, 80, 31));
    const luyang = track(await countyCensus(LUYANG, 60, 32));
    await warnTraining(yaohai, [3, 7, 11], true);
    unexplainedIds = await warnTraining(luyang, [2, 5], false);
    city = track(await upperCensus(HEFEI, 'city'));
    const files = [
      { name: 'yaohai.hcpkg', data: (await exportTo(yaohai, 'yaohai.hcpkg', { confirmUnexplained: true })).data },
      { name: 'luyang.hcpkg', data: (await exportTo(luyang, 'luyang.hcpkg', { confirmUnexplained: true })).data },
    ];
    const r = await mergePackages(city.core.ctx, files, { trustNewKeys: true });
    expect(r.results.map((x) => x.status)).toEqual(['merged', 'merged']);
  });

  it('counts received warnings, explained and not, as the full validation does', async () => {
    const s = await city.call('census.summary', {});
    // The five training-hour warnings, plus whatever the demo data warns about by itself
    expect(s.issues.error).toBe(0);
    expect(s.issues.warning).toBeGreaterThanOrEqual(5);
    expect(s).toMatchObject({ explained: 1, unexplainedWarnings: s.issues.warning - 1, persons: 140 });
    expect({ issues: s.issues, explained: s.explained, unexplainedWarnings: s.unexplainedWarnings }).toEqual(fullPass(city));
  });

  it('counts an explanation written at the city on a received warning', async () => {
    await city.call('issues.explain', { table: 'person', recordId: unexplainedIds[0]!, field: 'trainingHours', rule: 'training_hours_high', text: '市级核实：属实' });
    const s = await city.call('census.summary', {});
    expect(s).toMatchObject({ explained: 2, unexplainedWarnings: s.issues.warning - 2 });
    expect({ issues: s.issues, explained: s.explained, unexplainedWarnings: s.unexplainedWarnings }).toEqual(fullPass(city));
  });

  it("validates the city's own records here, errors included", async () => {
    // Entered at the city itself: an unknown unit (error) and 450 training hours (warning)
    await city.call('persons.create', { data: validPerson({ unitId: 'no-such-unit', township: '340102001', trainingHours: 450, idNumber: '440524188001010014', sex: '1', birthDate: '1880-01-01' }) });
    const s = await city.call('census.summary', {});
    const full = fullPass(city);
    expect(full.issues.error).toBeGreaterThan(0);
    expect({ issues: s.issues, explained: s.explained, unexplainedWarnings: s.unexplainedWarnings }).toEqual(full);
    expect(s.persons).toBe(141);
  });
});
