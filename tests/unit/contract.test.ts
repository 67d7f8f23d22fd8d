import { describe, expect, it } from 'vitest';
import { contract, isMethodName, methodNames } from '../../shared/api/contract';
import { ApiError } from '../../shared/api/errors';
import { createDispatch, type Handlers } from '../../electron/core/dispatch';

/** Real dispatch over handlers that answer with fixed data: it is the parsing that is under test. */
function handlers(over: Partial<Record<string, (i: never) => unknown>> = {}): Handlers {
  const base: Record<string, (i: never) => unknown> = {};
  for (const m of methodNames) base[m] = () => { throw new ApiError('internal', `not wired: ${m}`); };
  base['census.get'] = () => null;
  return { ...base, ...over } as unknown as Handlers;
}

describe('the contract', () => {
  it('gives every method an input and an output schema', () => {
    expect(methodNames.length).toBeGreaterThan(20);
    for (const m of methodNames) {
      expect(contract[m].input.safeParse, m).toBeTypeOf('function');
      expect(contract[m].output.safeParse, m).toBeTypeOf('function');
    }
    expect(isMethodName('persons.list')).toBe(true);
    expect(isMethodName('constructor')).toBe(false);
    expect(isMethodName('__proto__')).toBe(false);
  });
});

describe('dispatch', () => {
  it('answers a valid call with the parsed output', async () => {
    const d = createDispatch(handlers());
    expect(await d('census.get', {})).toEqual({ ok: true, result: null });
  });

  it('refuses an unknown method with a Chinese message', async () => {
    const r = await createDispatch(handlers())('fs.readFile', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    if (!r.ok) expect(r.error.message).toContain('未知的操作');
  });

  it('refuses the path-taking methods of the CLI unless it is the local dispatch, before the handler runs', async () => {
    let ran = 0;
    const over = { 'io.import.files': () => { ran++; return { importId: null, files: [], added: 0, updated: 0, unitsAdded: 0 }; } };
    const face = await createDispatch(handlers(over))('io.import.files', { paths: ['/etc/passwd'] });
    expect(face).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    if (!face.ok) expect(face.error.message).toContain('只能在本机命令行中使用');
    expect(ran).toBe(0);
    const local = await createDispatch(handlers(over), undefined, { local: true })('io.import.files', { paths: ['a.xlsx'] });
    expect(local).toMatchObject({ ok: true, result: { added: 0 } });
    expect(ran).toBe(1);
  });

  it('refuses input that does not match the schema, with details, before the handler runs', async () => {
    let ran = false;
    const d = createDispatch(handlers({ 'census.setup': () => { ran = true; return null; } }));
    const r = await d('census.setup', { areaCode: '11', level: 'town', refDate: 'tomorrow', officeName: '', operator: 'x' });
    expect(ran).toBe(false);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('bad_input');
      expect(r.error.message).toMatch(/^输入有误/);
      expect((r.error.details as { path: string }[]).map((x) => x.path)).toEqual(expect.arrayContaining(['areaCode', 'level', 'refDate', 'officeName']));
    }
  });

  it('refuses output that breaks the contract instead of passing it on', async () => {
    const seen: unknown[] = [];
    const d = createDispatch(handlers({ 'census.get': () => ({ areaCode: 42 }) }), (e) => seen.push(e));
    const r = await d('census.get', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'bad_output' } });
    expect(seen).toHaveLength(1);
  });

  it('passes ApiError through as { code, message, details } and hides other exceptions behind internal', async () => {
    const d = createDispatch(handlers({
      'census.get': () => { throw new ApiError('not_setup', '尚未建立', { hint: 1 }); },
      'census.summary': () => { throw new TypeError('boom'); },
    }));
    expect(await d('census.get', {})).toEqual({ ok: false, error: { code: 'not_setup', message: '尚未建立', details: { hint: 1 } } });
    const r = await d('census.summary', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('applies schema defaults to missing optional input', async () => {
    let got: unknown;
    const d = createDispatch(handlers({ 'persons.list': (i: never) => { got = i; return { total: 0, rows: [] }; } }));
    await d('persons.list', {});
    expect(got).toEqual({ offset: 0, limit: 100 });
  });
});
