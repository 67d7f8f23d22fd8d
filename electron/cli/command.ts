export interface Io {
  out(s: string): void;
  err(s: string): void;
}

export interface Command {
  usage: string;
  summary: string;
  run(argv: string[], io: Io): Promise<number> | number;
}
