/** The demo census itself: units per township, then their people, all from one seeded stream. */
import { DemoOptions, DemoRecord, DemoCensus, type PersonData } from './types';
import { Rng, draw } from './rng';
import { POST_CATEGORY, EMPLOYMENT } from './tables';
import { checkOptions, PlannedUnit } from './helpers';
import { planUnits, sizeRosters, unitRecord } from './units';
import { drawAge, drawBirth, drawIdNumber, drawName, drawEthnicity, drawPolitical, drawEducation, drawPhone, isoDate, type RefDate } from './persons';
import { drawCertificate, drawTitle } from './certificates';
import { drawSwPost, drawDomains, drawStartYear, drawTrainingHours } from './work';
import { drawCumulativeHours, drawPersonCategory, drawRegistration, staffingOf } from './categories';

/** What must stay unique across the whole census, as numeric keys where possible (see drawIdNumber). */
interface Taken {
  idKeys: Set<number>;
  certKeys: Set<number>;
  phoneKeys: Set<number>;
  creditCodes: Set<string>;
}

interface PersonContext {
  rng: Rng;
  ref: RefDate;
  newId: () => string;
  countyIndex: Map<string, number>;
  taken: Taken;
}

/**
 * One person of a unit's roster. The order of the draws is the output's identity: reordering them
 * changes every demo census generated so far for a given seed.
 */
function personRecord(c: PersonContext, u: PlannedUnit): DemoRecord {
  const { rng, ref, taken } = c;
  const female = rng.chance(0.68);
  const age = drawAge(rng);
  const birth = drawBirth(rng, ref, age);
  const county = u.township.countyCode;
  const ci = c.countyIndex.get(county)!;
  const idNumber = drawIdNumber(rng, county, ci, birth, female, taken.idKeys);
  const name = drawName(rng, female);
  const ethnicity = drawEthnicity(rng);
  const political = drawPolitical(rng, age);
  const { education, majorCategory, majorName } = drawEducation(rng);
  const { qualLevel, certNumber, certYear } = drawCertificate(rng, ref, birth.y, county, ci, taken.certKeys);
  const titleLevel = drawTitle(rng, qualLevel);
  const swPost = drawSwPost(rng, u, qualLevel);
  const { domains, primaryDomain } = drawDomains(rng, u);
  const startYear = drawStartYear(rng, ref, birth.y);
  const trainingHours = drawTrainingHours(rng);
  const phone = drawPhone(rng, taken.phoneKeys);
  const id = c.newId();
  const postCategory = draw(rng, POST_CATEGORY[u.role]);
  const { staffing, employmentType } = staffingOf(u.role, draw(rng, EMPLOYMENT[u.role]));
  const personCategory = drawPersonCategory(rng, u.role);
  const { regStatus, regValidUntil } = drawRegistration(rng, ref, qualLevel);
  const cumTrainingHours = drawCumulativeHours(rng, trainingHours);
  return {
    id,
    data: {
      name,
      idType: '01',
      idNumber,
      sex: female ? '2' : '1',
      birthDate: isoDate(birth),
      ethnicity,
      political,
      phone,
      education,
      majorCategory,
      majorName,
      qualLevel,
      certNumber,
      certYear,
      titleLevel,
      unitId: u.id,
      township: u.township.code,
      urbanRural: u.urbanRural,
      postCategory,
      swPost,
      staffing,
      employmentType,
      personCategory,
      regStatus,
      regValidUntil,
      domains,
      primaryDomain,
      startYear,
      trainingHours,
      cumTrainingHours,
      // A first census: no 变动情况, nothing carried from a last one.
      change: null,
      prevQualLevel: null,
    } satisfies PersonData,
  };
}

export function generateDemo(o: DemoOptions): DemoCensus {
  const ref = checkOptions(o);
  const rng = new Rng(`headcount-demo|${String(o.seed)}|${o.areaCode}`);
  const newId = (): string => rng.uuid();

  const plan = planUnits(rng, o, newId);
  sizeRosters(rng, plan, o.persons);

  // Persons, unit by unit, as a township's roster would list them; each unit's record follows its roster.
  const countyIndex = new Map<string, number>();
  for (const t of o.townships) if (!countyIndex.has(t.countyCode)) countyIndex.set(t.countyCode, countyIndex.size);
  const taken: Taken = { idKeys: new Set(), certKeys: new Set(), phoneKeys: new Set(), creditCodes: new Set() };
  const context: PersonContext = { rng, ref, newId, countyIndex, taken };
  const persons: DemoRecord[] = [];
  const units: DemoRecord[] = [];
  for (const u of plan) {
    let swPosts = 0;
    for (let k = 0; k < u.count; k++) {
      const person = personRecord(context, u);
      if (person.data.swPost === true) swPosts++;
      persons.push(person);
    }
    units.push(unitRecord(rng, u, swPosts, taken.creditCodes));
  }
  return { units, persons };
}
