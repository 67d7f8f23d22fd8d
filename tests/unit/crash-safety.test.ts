/**
 * Kills a writer process (SIGKILL, no chance to clean up) at random moments, 20 times on the same
 * file, and checks after each kill that every commit the writer acknowledged survived, that no
 * transaction is half there, and that SQLite finds the file sound.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore, integrityCheck } from '../../electron/core/db';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const writer = fileURLToPath(new URL('../fixtures/crash-writer.ts', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'hc-crash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const ROUNDS = 20;

interface Round {
  acked: { seq: number; id: string }[];
  stderr: string;
}

/** Starts the writer, kills it `killAfterMs` after it is ready, and returns the commits it acknowledged. */
function runAndKill(dbPath: string, killAfterMs: number): Promise<Round> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, dbPath], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (!timer && out.startsWith('ready\n')) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') return reject(new Error(`writer exited by itself (code ${code}):\n${stderr}`));
      // Only whole lines are acknowledgements; a torn last line was never fully printed.
      const lines = out.split('\n').slice(1, -1);
      resolve({
        acked: lines.map((l) => {
          const [seq, id] = l.split(' ');
          return { seq: Number(seq), id: id! };
        }),
        stderr,
      });
    });
  });
}

describe('crash safety', () => {
  it('keeps every acknowledged commit, whole transactions only, through 20 SIGKILLs on one file', async () => {
    const dbPath = join(root, 'census.sqlite');
    let lastAcked = 0;
    let totalAcked = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const killAfter = 50 + Math.floor(Math.random() * 250);
      const { acked, stderr } = await runAndKill(dbPath, killAfter);
      const context = `round ${round}, killed ${killAfter} ms after start; writer stderr:\n${stderr}`;
      totalAcked += acked.length;

      const store = createStore(dbPath);
      try {
        expect(integrityCheck(store.db), context).toEqual(['ok']);
        // Sequence numbers continue across rounds with no gap: nothing acknowledged was rolled back.
        acked.forEach((a, i) => expect(a.seq, context).toBe(lastAcked + 1 + i));
        const committed = store.meta.read('crash.seq', z.number()) ?? 0;
        expect(committed, context).toBeGreaterThanOrEqual(acked.at(-1)?.seq ?? lastAcked);
        // One person per transaction: the counter and the rows agree, so no transaction is half there.
        expect(store.persons.count(), context).toBe(committed);
        for (const [i, a] of acked.entries()) {
          const person = store.persons.get(a.id);
          expect(person?.data.name, context).toBe(`崩溃测试${a.seq}`);
          const history = store.audit.list('person', a.id);
          expect(history[0], context).toMatchObject({ action: 'create', newValue: String(a.seq) });
          const next = acked[i + 1];
          if (next) {
            expect(person?.data.certNumber, context).toBe(`S${next.seq}`);
            expect(history.at(-1), context).toMatchObject({ action: 'update', field: 'certNumber', newValue: `"S${next.seq}"` });
          }
        }
        // The writer may have committed a little more than it managed to print before it died.
        lastAcked = committed;
      } finally {
        store.close();
      }
    }
    expect(totalAcked).toBeGreaterThan(ROUNDS);
  }, 120_000);
});
