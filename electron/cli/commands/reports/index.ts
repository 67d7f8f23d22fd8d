import type { Command } from '../../command';
import { reportCommand } from './report';

export const reportsCommands: Record<string, Command> = {
  report: reportCommand,
};
