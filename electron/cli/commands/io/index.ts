import type { Command } from '../../command';
import { errorReportCommand } from './error-report';
import { exportDataCommand } from './export-data';
import { importCommand } from './import';
import { templateCommand } from './template';

export const ioCommands: Record<string, Command> = {
  import: importCommand,
  template: templateCommand,
  'export-data': exportDataCommand,
  'error-report': errorReportCommand,
};
