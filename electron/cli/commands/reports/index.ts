import type { Command } from '../../command';

export const reportsCommands: Record<string, Command> = {};
