/**
 * The persons grid at census scale, driven through Chromium against the real browser-mode server:
 * builds a 100k-person demo census (census.demo), opens the grid, scrolls it sampling every frame for
 * rows without data, and edits ~50 cells measuring keypress → saved state inside the page.
 * Baseline in the same run: fetching the same rows through the bridge from Node (no browser, no grid).
 * Each edit is split into keypress → request sent, the request (the core's share from the head of the socket's
 * reply, or HTTP's Server-Timing header) and reply → saved on screen, so a slow figure says which side to look at.
 * Last line: `grid open_ms=N edit_p95_ms=N blank_frames=N`.
 */
import type { Browser, Page } from 'playwright-core';
import { apiCall, ensureBuilt, launchBrowser, removeDir, startApp, tempDataDir } from '../tests/e2e/support/app';

const PERSONS = Number(process.env.BENCH_PERSONS ?? 100_000);
const UNITS = Math.max(1, Math.round(PERSONS / 33));
const EDITS = 50;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? 0;
}

function row(label: string, value: string): void {
  console.log(`${label.padEnd(36)} ${value}`);
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
}

/**
 * Edits `n` more cells under a Chromium trace and returns, per edit, the CPU of the page's main thread
 * from the Enter key to the saved state (top-level tasks' thread time) and that of the Enter's own task.
 */
async function tracedEditCpu(page: Page, browser: Browser, n: number): Promise<{ cpu: number[]; key: number[] }> {
  await page.evaluate(() => {
    document.addEventListener('keydown', (e) => e.key === 'Enter' && performance.mark('hc-enter'), true);
    new MutationObserver(() => performance.mark('hc-saved')).observe(document.querySelector('[data-testid="grid-save"]')!, { attributes: true, attributeFilter: ['data-saves'] });
  });
  await browser.startTracing(page, { categories: ['devtools.timeline', 'blink.user_timing'] });
  for (let i = 0; i < n; i++) {
    const before = await page.getByTestId('grid-save').getAttribute('data-saves');
    await page.keyboard.type(`trace${i}`);
    await page.keyboard.press('Enter');
    await page.waitForFunction((b) => document.querySelector('[data-testid="grid-save"]')?.getAttribute('data-saves') !== b, before);
  }
  const buf = await browser.stopTracing();
  const parsed = JSON.parse(buf.toString('utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : parsed.traceEvents;
  const marks = events.filter((e) => (e.name === 'hc-enter' || e.name === 'hc-saved') && e.ph !== 'M').sort((a, b) => a.ts - b.ts);
  const windows: [number, number][] = [];
  let open: number | null = null;
  for (const m of marks) {
    if (m.name === 'hc-enter') open = m.ts;
    else if (open !== null) {
      windows.push([open, m.ts]);
      open = null;
    }
  }
  const first = marks[0];
  if (!first) return { cpu: [], key: [] };
  const main = events
    .filter((e) => e.pid === first.pid && e.tid === first.tid && e.ph === 'X' && e.dur !== undefined && e.tdur !== undefined)
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const cpu = windows.map(() => 0);
  const key = windows.map(() => 0);
  let end = -Infinity;
  for (const e of main) {
    if (e.ts < end) continue; // nested in a task already counted
    end = e.ts + e.dur!;
    const i = windows.findIndex(([a, b]) => e.ts + e.dur! >= a && e.ts <= b);
    if (i < 0) continue;
    cpu[i]! += e.tdur! / 1000;
    if (e.ts <= windows[i]![0]) key[i]! += e.tdur! / 1000;
  }
  return { cpu, key };
}

ensureBuilt();
const dir = tempDataDir();
const app = await startApp(dir);
const browser = await launchBrowser();
try {
  await apiCall(app, 'census.setup', { areaCode: '110101', level: 'county', refDate: '2026-12-31', officeName: '基准测试', operator: '基准' });
  let t = performance.now();
  await apiCall(app, 'census.demo', { persons: PERSONS, units: UNITS, seed: 1 });
  row(`demo census (${PERSONS} persons)`, `${((performance.now() - t) / 1000).toFixed(2)} s`);

  // Baseline: the same rows through the bridge from Node, in the grid's chunk sizes.
  t = performance.now();
  for (let offset = 0; offset < PERSONS; offset += 25_000) await apiCall(app, 'grid.rows', { table: 'person', offset, limit: 25_000 });
  const fetchMs = performance.now() - t;
  row('baseline: fetch all rows from Node', `${fetchMs.toFixed(0)} ms`);
  t = performance.now();
  await apiCall(app, 'grid.issues', { table: 'person' });
  row('baseline: first whole-census validation', `${(performance.now() - t).toFixed(0)} ms`);

  const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
  // tsx names inner functions with a __name helper that the page does not have.
  await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  // The page's calls go over the bridge's socket (HTTP only before it opens): note when each left and its
  // reply arrived, with the core's time and CPU from the reply's head, while the edits are timed.
  await context.addInitScript({
    content: `(() => {
      const Base = WebSocket;
      const send = Base.prototype.send;
      Base.prototype.send = function (d) {
        const m = globalThis.__hcCalls && typeof d === 'string' && /^\\{"id":(\\d+),/.exec(d);
        if (m) globalThis.__hcCalls.push({ id: +m[1], start: performance.now(), end: 0, core: 0, cpu: 0 });
        return send.call(this, d);
      };
      globalThis.WebSocket = class extends Base {
        constructor(...a) {
          super(...a);
          this.addEventListener('message', (e) => {
            const calls = globalThis.__hcCalls;
            const m = calls && typeof e.data === 'string' && /^\\{"id":(\\d+),"core":([\\d.e-]+),"cpu":([\\d.e-]+)/.exec(e.data);
            const c = m && calls.find((x) => x.id === +m[1] && !x.end);
            if (c) Object.assign(c, { end: performance.now(), core: +m[2], cpu: +m[3] });
          });
        }
      };
    })();`,
  });
  const page = await context.newPage();
  await page.goto(app.url);
  await page.getByTestId('nav-persons').waitFor();

  // Open: from navigation to the first rows on screen, and to every row loaded (status bar).
  const opened = await page.evaluate(
    () =>
      new Promise<{ first: number }>((resolve) => {
        const t0 = performance.now();
        window.location.hash = '#/persons';
        const check = () => {
          const cell = document.querySelector('[data-testid="grid-person"] .ag-row[row-index="0"] .ag-cell[col-id="name"]');
          if (cell && cell.textContent) resolve({ first: performance.now() - t0 });
          else requestAnimationFrame(check);
        };
        requestAnimationFrame(check);
      }),
  );
  await page.getByTestId('grid-rows').filter({ hasText: /^共/ }).waitFor({ timeout: 120_000 });
  const loadedMs = await page.evaluate(() => (window as unknown as { __gridLoadedMs?: number }).__gridLoadedMs ?? -1);
  row('open: first rows on screen', `${opened.first.toFixed(0)} ms`);
  row('open: all rows + issues loaded', `${loadedMs.toFixed(0)} ms`);
  row('status bar', await page.getByTestId('grid-rows').innerText());

  // Scroll: move the body viewport every frame; a frame is blank when a row in view has no data cell.
  const scroll = await page.evaluate(async (total) => {
    const grid = document.querySelector('[data-testid="grid-person"]')!;
    // The element that scrolls the rows vertically (found, not named: AG Grid's class names change between versions)
    const vp = [...grid.querySelectorAll<HTMLElement>('*')].find((el) => el.scrollHeight > el.clientHeight * 20 && ['auto', 'scroll'].includes(getComputedStyle(el).overflowY))!;
    const rowHeight = grid.querySelector<HTMLElement>('.ag-row[row-index]')!.getBoundingClientRect().height;
    const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));
    const blankNow = (): boolean => {
      const first = Math.floor(vp.scrollTop / rowHeight);
      const last = Math.min(first + Math.floor(vp.clientHeight / rowHeight), total - 1);
      for (let i = first; i <= last; i++) {
        const cell = grid.querySelector(`.ag-row[row-index="${i}"] .ag-cell[col-id="education"]`);
        if (!cell || !cell.textContent) return true;
      }
      return false;
    };
    let frames = 0;
    let blank = 0;
    const passes: [number, number][] = [
      [150, 300], // wheel-speed scrolling
      [-vp.clientHeight, 60], // page up, one screen per frame
      [2_000, 120], // dragging the scroll bar
    ];
    const perPass: number[] = [];
    for (const [step, n] of passes) {
      let b = 0;
      for (let k = 0; k < n; k++) {
        vp.scrollTop = Math.max(0, vp.scrollTop + step);
        await frame();
        frames++;
        if (blankNow()) b++;
      }
      perPass.push(b);
      blank += b;
    }
    return { frames, blank, rowHeight, perPass };
  }, PERSONS);
  row('scroll: frames sampled', String(scroll.frames));
  row('scroll: blank frames', `${scroll.blank} (wheel ${scroll.perPass[0]}, page up ${scroll.perPass[1]}, scroll bar ${scroll.perPass[2]})`);

  // Edits: type into 专业名称 of successive rows, Enter; keydown → saves counter moves.
  await page.evaluate(() => {
    for (const el of document.querySelectorAll<HTMLElement>('[data-testid="grid-person"] *')) if (el.scrollTop > 0) el.scrollTop = 0;
  });
  await page.waitForTimeout(300);
  await page.locator('[data-testid="grid-person"] .ag-row[row-index="0"] .ag-cell[col-id="majorName"]').click();
  await page.evaluate(() => {
    const w = window as unknown as { __edit: { t0: number; lat: number[]; spans: [number, number][]; scrolls: number[] } };
    w.__edit = { t0: 0, lat: [], spans: [], scrolls: [] };
    // When the grid scrolled: an Enter at the bottom edge scrolls one row and draws a new one (see below).
    document.addEventListener('scroll', () => w.__edit.scrolls.push(performance.now()), { capture: true, passive: true });
    (window as unknown as { __hcCalls: unknown[] }).__hcCalls = [];
    performance.clearResourceTimings();
    performance.setResourceTimingBufferSize(10_000);
    document.addEventListener('keydown', (e) => e.key === 'Enter' && (w.__edit.t0 = performance.now()), true);
    const save = document.querySelector('[data-testid="grid-save"]')!;
    new MutationObserver(() => {
      if (w.__edit.t0) {
        const now = performance.now();
        w.__edit.lat.push(now - w.__edit.t0);
        w.__edit.spans.push([w.__edit.t0, now]);
        w.__edit.t0 = 0;
      }
    }).observe(save, { attributes: true, attributeFilter: ['data-saves'] });
  });
  for (let i = 0; i < EDITS; i++) {
    const before = await page.getByTestId('grid-save').getAttribute('data-saves');
    await page.keyboard.type(`bench${i}`);
    await page.keyboard.press('Enter'); // saves and moves down, as in Excel
    await page.waitForFunction((b) => document.querySelector('[data-testid="grid-save"]')?.getAttribute('data-saves') !== b, before);
  }
  const lat = await page.evaluate(() => (window as unknown as { __edit: { lat: number[] } }).__edit.lat);
  // An edit scrolled the grid when a scroll event came between its Enter and the next one. Past the first
  // screen every Enter does, and those edits set the p95: the page also draws a row and lays it out.
  const scrolled = await page.evaluate(() => {
    const e = (window as unknown as { __edit: { spans: [number, number][]; scrolls: number[] } }).__edit;
    return e.spans.map(([t0], i) => e.scrolls.some((t) => t >= t0 && t < (e.spans[i + 1]?.[0] ?? Infinity)));
  });
  // Where an edit's time goes: keypress → request sent (grid + React), the request (of which the core's
  // share comes from the head of the socket's reply, or HTTP's Server-Timing), reply → saved state on screen.
  const parts = await page.evaluate(() => {
    const spans = (window as unknown as { __edit: { spans: [number, number][] } }).__edit.spans;
    type Call = { start: number; end: number; core: number; cpu: number };
    const overHttp = (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
      .filter((e) => e.name.endsWith('/api/call'))
      .map((e): Call => ({ start: e.startTime, end: e.responseEnd, core: e.serverTiming.find((x) => x.name === 'core')?.duration ?? 0, cpu: e.serverTiming.find((x) => x.name === 'cpu')?.duration ?? 0 }));
    const calls = [...(window as unknown as { __hcCalls: Call[] }).__hcCalls, ...overHttp];
    const out = { before: [] as number[], request: [] as number[], core: [] as number[], coreCpu: [] as number[], after: [] as number[], http: 0 };
    for (const [t0, t1] of spans) {
      const c = calls.find((e) => e.start >= t0 && e.end > 0 && e.end <= t1);
      if (!c) continue;
      if (overHttp.includes(c)) out.http++;
      out.before.push(c.start - t0);
      out.request.push(c.end - c.start);
      out.core.push(c.core);
      out.coreCpu.push(c.cpu);
      out.after.push(t1 - c.end);
    }
    return out;
  });
  row('edit: saves measured', String(lat.length));
  row('edit: p50 keypress → saved', `${pct(lat, 50).toFixed(1)} ms`);
  row('edit: p95 keypress → saved', `${pct(lat, 95).toFixed(1)} ms`);
  const p5095 = (xs: number[]) => `p50 ${pct(xs, 50).toFixed(1)} ms, p95 ${pct(xs, 95).toFixed(1)} ms`;
  const inPlace = lat.filter((_, i) => !scrolled[i]);
  const scrolling = lat.filter((_, i) => scrolled[i]);
  row('  edits in place', `${inPlace.length}: ${p5095(inPlace)}`);
  row('  edits that scrolled the grid', `${scrolling.length}: ${p5095(scrolling)}`);
  row('  keypress → request sent', p5095(parts.before));
  row('  request (sent → reply read)', `${p5095(parts.request)}${parts.http ? ` (${parts.http} over HTTP, the socket not open)` : ''}`);
  row('    of which in the core', p5095(parts.core));
  row('    the core\'s CPU', p5095(parts.coreCpu));
  row('  reply → saved on screen', p5095(parts.after));
  // The page's main-thread CPU per edit, from a trace of further edits (traced apart: tracing slows the
  // page down). Unlike the latency it hardly moves with the machine's load, so it shows a change in the
  // page's own work even when other processes make the timings noisy.
  const traced = await tracedEditCpu(page, browser, EDITS);
  row('page main thread CPU per edit', `p50 ${pct(traced.cpu, 50).toFixed(1)} ms, p95 ${pct(traced.cpu, 95).toFixed(1)} ms (${traced.cpu.length} traced edits, each past the first screen: every one scrolls)`);
  row('  of which the Enter key\'s own task', `p50 ${pct(traced.key, 50).toFixed(1)} ms, p95 ${pct(traced.key, 95).toFixed(1)} ms`);
  const heap = await page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0);
  row('browser JS heap', `${Math.round(heap / 1048576)} MB`);
  row('ratio: full load / Node fetch baseline', (loadedMs / fetchMs).toFixed(2));
  await context.close();
  console.log(`grid open_ms=${Math.round(opened.first)} edit_p95_ms=${Math.round(pct(lat, 95))} blank_frames=${scroll.blank}`);
} finally {
  await browser.close();
  await app.stop();
  removeDir(dir);
}
