/** Method names per record type, so the list and form components stay generic over persons and units. */
import type { TableName } from '../../../shared/census/dictionary';

export const recordMethods = {
  person: {
    list: 'persons.list',
    get: 'persons.get',
    create: 'persons.create',
    update: 'persons.update',
    remove: 'persons.remove',
    validate: 'persons.validate',
  },
  unit: {
    list: 'units.list',
    get: 'units.get',
    create: 'units.create',
    update: 'units.update',
    remove: 'units.remove',
    validate: 'units.validate',
  },
} as const satisfies Record<TableName, Record<string, string>>;
