/** The demo generator's options and output. */
import type { PersonFieldKey, UnitFieldKey } from '../census/dictionary';
import type { FieldValue, RecordData } from '../census/schema';

export interface DemoTownship {
  code: string;
  name: string;
  countyCode: string;
  /** Prefixed to unit names when two townships of the census share a name (two 城关镇 in one city). */
  countyName?: string;
}

export interface DemoOptions {
  /** The census area (6-digit county code, or city/province code). */
  areaCode: string;
  /** Real townships inside the area, given by the caller. */
  townships: DemoTownship[];
  persons: number;
  units: number;
  seed: number | string;
  /** YYYY-MM-DD */
  refDate: string;
}

/** What the generator fills in: keys typed from the dictionary, so a misspelt field is a type error */
export type PersonData = Partial<Record<PersonFieldKey, FieldValue>>;
export type UnitData = Partial<Record<UnitFieldKey, FieldValue>>;

export interface DemoRecord {
  id: string;
  data: RecordData;
}

export interface DemoCensus {
  units: DemoRecord[];
  persons: DemoRecord[];
}
