/**
 * The .xlsx reader's XML tokenizer (io/xml-scan.ts) against saxes, the conforming parser it replaced:
 * the same events for the XML spreadsheet writers produce and for the corners of XML they may use,
 * however the input is cut into chunks, and a refusal wherever the part is not well-formed.
 */
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { XmlError, XmlScanner } from '../../electron/core/services/io/xml-scan';

type Event = ['open', string, [string, string][]] | ['text', string] | ['close', string];

/** Adjacent texts joined: both parsers may cut one text into pieces, where they like */
function push(out: Event[], e: Event): void {
  const last = out.at(-1);
  if (e[0] === 'text' && last?.[0] === 'text') last[1] += e[1];
  else out.push(e);
}

function viaSaxes(xml: string): Event[] {
  const out: Event[] = [];
  const p = new SaxesParser();
  // Widened by the cast: set in the handler below, which narrowing does not see
  let error = null as Error | null;
  p.on('error', (e) => {
    error ??= e;
  });
  p.on('opentag', (n) => push(out, ['open', n.name, Object.entries(n.attributes as Record<string, string>)]));
  p.on('text', (t) => push(out, ['text', t]));
  p.on('cdata', (t) => push(out, ['text', t]));
  p.on('closetag', (n) => push(out, ['close', n.name]));
  p.write(xml).close();
  if (error) throw error;
  // saxes reports whitespace outside the root element as text; XML gives it no meaning.
  return out.filter((e, i) => !(e[0] === 'text' && (i === 0 || i === out.length - 1) && e[1].trim() === ''));
}

function viaScanner(xml: string, cut: (s: string) => string[]): Event[] {
  const out: Event[] = [];
  const s = new XmlScanner(
    {
      open: (t) => push(out, ['open', t.name, t.entries()]),
      text: (t) => push(out, ['text', t]),
      close: (n) => push(out, ['close', n]),
    },
    1 << 20,
    () => new Error('too long'),
  );
  for (const c of cut(xml)) s.write(c);
  s.close();
  return out;
}

const whole = (s: string) => [s];
const byChar = (s: string) => [...s];
/** Pieces of 1–17 characters from a fixed seed: every boundary lands inside tags, entities and CDATA */
function ragged(seed: number) {
  return (s: string) => {
    let x = seed;
    const out: string[] = [];
    for (let i = 0; i < s.length; ) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      const n = 1 + (x % 17);
      out.push(s.slice(i, i + n));
      i += n;
    }
    return out;
  };
}
const cuts = { whole, byChar, ragged1: ragged(1), ragged7: ragged(7), ragged42: ragged(42) };

const DOCS: Record<string, string> = {
  'a sheet as Excel writes it':
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><dimension ref="A1:C2"/><sheetData><row r="1" spans="1:3"><c r="A1" t="s"><v>0</v></c><c r="B1" s="3"><v>45291</v></c><c r="C1" t="inlineStr"><is><t>张三</t></is></c></row><row r="2"><c r="A2" t="str"><f>A1&amp;"x"</f><v>张x</v></c></row></sheetData></worksheet>',
  'prefixed names, as some writers use':
    '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>李四</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>',
  'pretty-printed, whitespace inside tags, single quotes':
    "<root>\n  <row  r = '1' >\n    <c r='A1'\tt=\"s\"\n/>\n    <v>1</v >\n  </row>\n</root>",
  'entities and character references in text and attributes':
    '<r a="&lt;&gt;&amp;&quot;&apos;" b=\'&#20013;&#x6587;\'><t>a &amp; b &lt; c &#x1F600; &#65;&#x42;</t><t>5 &gt; 3</t></r>',
  'line ends in text and attribute values':
    '<r a="x\ty\nz\r\nw"><t>one\r\ntwo\rthree\nfour</t></r>',
  'CDATA, comments and processing instructions':
    '<!-- before --><?pi data?><r><!-- a comment with <tags> & stuff --><t><![CDATA[<b>raw & "text"</b>]]></t><?target inside?></r><!-- after -->',
  "'>' inside attribute values":
    '<r><c f="a>b" g=\'1>2\'/><c/></r>',
  'self-closing elements and empty text':
    '<r><a/><b></b><c x="1"/><t></t></r>',
  'Chinese, wide and astral characters':
    '<r name="社会工作"><t>全口径统计调查　（测试）𠀀𝄞</t></r>',
};

describe('XmlScanner gives the events saxes gives', () => {
  for (const [what, xml] of Object.entries(DOCS)) {
    for (const [how, cut] of Object.entries(cuts)) {
      it(`${what} (${how})`, () => {
        expect(viaScanner(xml, cut)).toEqual(viaSaxes(xml));
      });
    }
  }

  it('a generated sheet of 2,000 rows, cut into ragged chunks', () => {
    const rows: string[] = [];
    for (let r = 1; r <= 2000; r++) {
      const cells = [
        `<c r="A${r}" t="s"><v>${r % 97}</v></c>`,
        `<c r="B${r}" s="2"><v>${(r * 7.25).toFixed(2)}</v></c>`,
        `<c r="C${r}" t="inlineStr"><is><t xml:space="preserve"> 名${r} &amp; 号 </t></is></c>`,
        r % 5 ? '' : `<c r="D${r}" t="str"><f>A${r}&amp;B${r}</f><v>x&lt;y</v></c>`,
      ];
      rows.push(`<row r="${r}">${cells.join('')}</row>${r % 3 ? '' : '\r\n'}`);
    }
    const xml = `<?xml version="1.0"?><worksheet><sheetData>${rows.join('')}</sheetData></worksheet>`;
    const expected = viaSaxes(xml);
    expect(expected.filter((e) => e[0] === 'open' && e[1] === 'row')).toHaveLength(2000);
    for (const seed of [3, 11]) expect(viaScanner(xml, ragged(seed))).toEqual(expected);
  });
});

describe('XmlScanner refuses what is not a well-formed part', () => {
  const bad: Record<string, [string, RegExp]> = {
    'a close tag that does not match': ['<r><c></r></c>', /不配对/],
    'a part that stops inside an element': ['<r><row><c r="A1"><v>1</v>', /unexpected end/],
    'a part that stops inside a tag': ['<r><row r="1', /unexpected end/],
    'a DOCTYPE (entity declarations are how XML bombs are built)': ['<!DOCTYPE r [<!ENTITY a "aaaa">]><r>&a;</r>', /DOCTYPE/],
    'an entity XML does not define': ['<r>&nbsp;</r>', /未定义的实体/],
    'a bare ampersand': ['<r>a & b</r>', /未转义的 &/],
    "'<' inside an attribute value": ['<r a="x<y"/>', /属性值中有“<”/],
    'an attribute without quotes': ['<r a=1/>', /没有引号/],
    'two root elements': ['<r/><s/>', /不止一个根元素/],
    'text outside the root element': ['<r/>tail', /根元素之外有文字/],
    'a close tag with nothing open': ['</r>', /多出结束标记/],
    'no element at all': ['   ', /unexpected end/],
    'a character reference to nothing': ['<r>&#0;</r>', /字符引用无效/],
  };
  for (const [what, [xml, message]] of Object.entries(bad)) {
    it(what, () => {
      for (const cut of [whole, byChar]) {
        expect(() => viaScanner(xml, cut)).toThrow(XmlError);
        expect(() => viaScanner(xml, cut)).toThrow(message);
      }
      // Not one of them is well-formed XML to a conforming parser either
      expect(() => viaSaxes(xml)).toThrow();
    });
  }

  it('holds at most maxPending characters of unfinished markup', () => {
    const s = new XmlScanner({}, 1000, () => new Error('too long'));
    s.write('<r><![CDATA[');
    expect(() => {
      for (let i = 0; i < 20; i++) s.write('x'.repeat(100));
    }).toThrow('too long');
    const t = new XmlScanner({}, 1000, () => new Error('too long'));
    t.write('<r><c a="');
    expect(() => t.write('y'.repeat(2000))).toThrow('too long');
  });

  it('long text between tags never counts as unfinished markup', () => {
    let got = '';
    const s = new XmlScanner({ text: (t) => (got += t) }, 1000, () => new Error('too long'));
    s.write('<r><t>');
    for (let i = 0; i < 50; i++) s.write('文'.repeat(100));
    s.write('</t></r>');
    s.close();
    expect(got).toBe('文'.repeat(5000));
  });
});
