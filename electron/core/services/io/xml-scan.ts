/**
 * The streaming XML tokenizer the .xlsx reader (xlsx.ts) runs over a workbook's parts.
 *
 * Why not a library: saxes (used here until issue 14) took ~2.7 s of a 100k-row sheet's 3.4 s read,
 * two thirds of it in building an attributes object and a tag object per element; htmlparser2's XML
 * mode was no faster and sax-wasm ten times slower through its per-event objects (bench/README.md).
 * Spreadsheet parts are machine-written XML of a few element kinds, and the reader needs three
 * attributes of one of them, so this reads the markup with `indexOf` and keeps the current tag's
 * attributes in two reused arrays: 0.45 s for the same 98 MB sheet.
 *
 * It is still strict where a damaged or hostile part would otherwise read as data: one root element,
 * close tags matching their open tags, quoted attribute values without '<', only XML's five named
 * entities and numeric character references, no DOCTYPE (a spreadsheet part never has one, and
 * entity declarations are how XML bombs are built), and a part may not end inside an element. Text
 * is handed over as XML defines it: line ends normalised to \n, entities decoded, CDATA as is.
 * Comments and processing instructions are skipped.
 */

/** The element just opened. Valid only during the `open` call: the scanner reuses it for the next tag. */
export interface XmlTag {
  /** As written, prefix included (`x:c`) */
  readonly name: string;
  readonly selfClosing: boolean;
  /** An attribute's decoded value by its name as written (`r`, `r:id`) */
  get(key: string): string | undefined;
  /** Every attribute as [name, value] */
  entries(): [string, string][];
}

export interface XmlHandlers {
  open?(tag: XmlTag): void;
  /** Character data inside the root element; one run of text may arrive in several calls */
  text?(text: string): void;
  close?(name: string): void;
}

/** A part that is not well-formed XML, or holds markup a spreadsheet part never has */
export class XmlError extends Error {}

const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const REFERENCE = /&(?:(#x[0-9A-Fa-f]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]*);)?/g;

function decodeEntities(s: string): string {
  if (s.indexOf('&') < 0) return s;
  return s.replace(REFERENCE, (m, ref: string | undefined) => {
    if (!ref) throw new XmlError(`XML 中有未转义的 & (${JSON.stringify(s.slice(0, 40))})`);
    if (ref.charCodeAt(0) === 35) {
      const code = ref.charCodeAt(1) === 120 ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!(code > 0 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) throw new XmlError(`XML 字符引用无效：${m}`);
      return String.fromCodePoint(code);
    }
    const v = NAMED[ref];
    if (v === undefined) throw new XmlError(`XML 中有未定义的实体：${m}`);
    return v;
  });
}

const isSpace = (c: number) => c === 32 || c === 10 || c === 9 || c === 13;

/** An attribute name as far as it matters here: no whitespace, markup or quote (a loop: names are a few characters) */
function isName(k: string): boolean {
  if (!k.length) return false;
  for (let i = 0; i < k.length; i++) {
    const c = k.charCodeAt(i);
    if (c <= 32 || c === 60 || c === 62 || c === 47 || c === 34 || c === 39) return false;
  }
  return true;
}

export class XmlScanner implements XmlTag {
  name = '';
  selfClosing = false;
  private readonly keys: string[] = [];
  private readonly values: string[] = [];
  private count = 0;
  /** Unread input: an unfinished tag, comment, CDATA section, or the end of a text that may continue */
  private rest = '';
  private readonly stack: string[] = [];
  private seenRoot = false;

  /** `maxPending`: the longest unfinished markup it holds (a tag or a CDATA section with no end in sight) */
  constructor(
    private readonly h: XmlHandlers,
    private readonly maxPending: number,
    private readonly tooLong: () => Error,
  ) {}

  get(key: string): string | undefined {
    for (let i = 0; i < this.count; i++) if (this.keys[i] === key) return this.values[i];
    return undefined;
  }

  entries(): [string, string][] {
    const out: [string, string][] = [];
    for (let i = 0; i < this.count; i++) out.push([this.keys[i]!, this.values[i]!]);
    return out;
  }

  write(chunk: string): void {
    const s = this.rest.length ? this.rest + chunk : chunk;
    this.rest = '';
    const at = this.scan(s);
    if (at < s.length) {
      this.rest = s.slice(at);
      if (this.rest.length > this.maxPending) throw this.tooLong();
    }
  }

  /** The end of the part: everything opened must be closed. */
  close(): void {
    if (this.rest.length) {
      const tail = this.rest;
      this.rest = '';
      // A text (or one '\r') held back for the next chunk that never came
      if (this.stack.length && tail.indexOf('<') < 0) this.text(tail, true);
      else if (tail.trim() !== '') throw new XmlError('unexpected end of XML: the part stops inside markup');
    }
    if (!this.seenRoot) throw new XmlError('unexpected end of XML: no element');
    if (this.stack.length) throw new XmlError(`unexpected end of XML: <${this.stack.at(-1)}> is never closed`);
  }

  /** Text between markup: decoded and handed over (outside the root element only whitespace may be) */
  private text(raw: string, last: boolean): string {
    let t = raw;
    let keep = '';
    if (!last) {
      // An entity or a \r\n cut by the chunk boundary waits for the rest of it.
      const amp = t.lastIndexOf('&');
      if (amp >= 0 && t.indexOf(';', amp) < 0) {
        keep = t.slice(amp);
        t = t.slice(0, amp);
      } else if (t.endsWith('\r')) {
        keep = '\r';
        t = t.slice(0, -1);
      }
    }
    if (!t.length) return keep;
    if (!this.stack.length) {
      if (t.trim() !== '') throw new XmlError('XML 根元素之外有文字');
      return keep;
    }
    if (t.indexOf('\r') >= 0) t = t.replace(/\r\n?/g, '\n');
    this.h.text?.(decodeEntities(t));
    return keep;
  }

  /** Reads complete markup and text from `s`; returns where the unread part begins. */
  private scan(s: string): number {
    const n = s.length;
    const h = this.h;
    const stack = this.stack;
    let i = 0;
    for (;;) {
      const lt = s.indexOf('<', i);
      if (lt < 0) {
        const keep = this.text(s.slice(i), false);
        return n - keep.length;
      }
      if (lt > i) this.text(s.slice(i, lt), true);
      i = lt;
      if (lt + 1 >= n) return i;
      const c = s.charCodeAt(lt + 1);
      if (c === 47) {
        // </name>
        const gt = s.indexOf('>', lt + 2);
        if (gt < 0) return i;
        let e = gt;
        while (e > lt + 2 && isSpace(s.charCodeAt(e - 1))) e--;
        const name = s.slice(lt + 2, e);
        const open = stack.pop();
        if (open !== name) throw new XmlError(open === undefined ? `XML 中多出结束标记 </${name}>` : `XML 标记不配对：<${open}> 以 </${name}> 结束`);
        h.close?.(name);
        i = gt + 1;
        continue;
      }
      if (c === 33) {
        if (s.startsWith('<!--', lt)) {
          const end = s.indexOf('-->', lt + 4);
          if (end < 0) return i;
          i = end + 3;
          continue;
        }
        if (s.startsWith('<![CDATA[', lt)) {
          const end = s.indexOf(']]>', lt + 9);
          if (end < 0) return i;
          if (!stack.length) throw new XmlError('XML 根元素之外有 CDATA');
          h.text?.(s.slice(lt + 9, end));
          i = end + 3;
          continue;
        }
        // Not yet enough input to tell a comment or CDATA from anything else
        if (n - lt < 9 && ('<![CDATA['.startsWith(s.slice(lt)) || '<!--'.startsWith(s.slice(lt)))) return i;
        throw new XmlError('XML 中有 DOCTYPE 或其他声明，工作簿的部件不会有');
      }
      if (c === 63) {
        // <?xml …?> and other processing instructions
        const end = s.indexOf('?>', lt + 2);
        if (end < 0) return i;
        i = end + 2;
        continue;
      }
      const done = this.openTag(s, lt);
      if (done < 0) return i;
      if (this.selfClosing) h.close?.(this.name);
      i = done;
    }
  }

  /** Reads `<name attr="v" …>` or `…/>` at `lt` and hands it over; -1 when it does not end in `s` yet. */
  private openTag(s: string, lt: number): number {
    const n = s.length;
    let p = lt + 1;
    while (p < n) {
      const d = s.charCodeAt(p);
      if (isSpace(d) || d === 62 || d === 47) break;
      p++;
    }
    if (p >= n) return -1;
    if (p === lt + 1) throw new XmlError('XML 中有不完整的标记（“<”后没有名称）');
    const name = s.slice(lt + 1, p);
    let count = 0;
    let self = false;
    let done = -1;
    for (;;) {
      while (p < n && isSpace(s.charCodeAt(p))) p++;
      if (p >= n) return -1;
      const d = s.charCodeAt(p);
      if (d === 62) {
        done = p + 1;
        break;
      }
      if (d === 47) {
        if (p + 1 >= n) return -1;
        if (s.charCodeAt(p + 1) !== 62) throw new XmlError(`XML 标记 <${name}> 写法有误`);
        self = true;
        done = p + 2;
        break;
      }
      const eq = s.indexOf('=', p);
      if (eq < 0) return -1;
      let ke = eq;
      while (ke > p && isSpace(s.charCodeAt(ke - 1))) ke--;
      const key = s.slice(p, ke);
      if (!isName(key)) throw new XmlError(`XML 标记 <${name}> 的属性写法有误`);
      let q = eq + 1;
      while (q < n && isSpace(s.charCodeAt(q))) q++;
      if (q >= n) return -1;
      const quote = s.charCodeAt(q);
      if (quote !== 34 && quote !== 39) throw new XmlError(`XML 标记 <${name}> 的属性值没有引号`);
      const end = s.indexOf(quote === 34 ? '"' : "'", q + 1);
      if (end < 0) return -1;
      // One pass over the value (a sheet has millions, most of them "A2" or "1"): '<' is refused, and a line
      // end or tab to normalise or an entity to decode is noted for the rare value that has one.
      let special = 0;
      for (let k = q + 1; k < end; k++) {
        const ch = s.charCodeAt(k);
        if (ch === 60) throw new XmlError(`XML 标记 <${name}> 的属性值中有“<”`);
        if (ch === 38) special |= 2;
        else if (ch === 9 || ch === 10 || ch === 13) special |= 1;
      }
      let value = s.slice(q + 1, end);
      // Attribute-value normalisation: a literal tab or line end is a space
      if (special & 1) value = value.replace(/\r\n|[\t\n\r]/g, ' ');
      this.keys[count] = key;
      this.values[count] = special & 2 ? decodeEntities(value) : value;
      count++;
      p = end + 1;
    }
    if (!this.stack.length && this.seenRoot) throw new XmlError('XML 有不止一个根元素');
    this.seenRoot = true;
    this.name = name;
    this.selfClosing = self;
    this.count = count;
    this.h.open?.(this);
    if (!self) this.stack.push(name);
    return done;
  }
}
