import type { Command } from '../../command';

export const ioCommands: Record<string, Command> = {};
