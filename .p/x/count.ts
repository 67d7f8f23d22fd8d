import { readFileSync, readdirSync } from 'node:fs';
import { readPackage } from '../../electron/core/services/packages/read';
import { countedPersonFields, countKeptPersons } from '../../electron/core/services/reports/package-counts';
import { areaWithSubAreas } from '../../electron/core/services/reports/env';
import { loadDivisions } from '../../electron/core/divisions';

const dir = '/work/main/bench/.data/merge-v2-100x10000';
const f = readdirSync(dir).filter((x) => x.endsWith('.hcpkg'))[0]!;
const divisions = loadDivisions();
const area = areaWithSubAreas(divisions, '130000', 'province');
const counting = { area: { code: area.code, name: area.name, level: area.level }, refDate: '2026-12-31', subAreas: area.subAreas, planningStart: 2026 };
const pkg = await readPackage(readFileSync(`${dir}/${f}`), { fileName: f, keepPersonFields: countedPersonFields(counting) });
const persons = pkg.persons.ids;
let best = 1e9; for (let i = 0; i < 30; i++) {
  const t = performance.now();
  countKeptPersons(counting, pkg.units.rows, pkg.persons.ids, pkg.persons.kept!);
  best = Math.min(best, (performance.now() - t) / persons.length * 1000);
}
console.log("best", best.toFixed(2), "µs/person");
