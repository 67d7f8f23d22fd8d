import type { Command } from '../../command';

export const packagesCommands: Record<string, Command> = {};
