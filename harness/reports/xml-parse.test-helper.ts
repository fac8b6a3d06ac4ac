/**
 * A strict little XML 1.0 parser for tests (no dependency): elements, attributes, text, character
 * and the five predefined entity references, the XML declaration and comments. It throws on
 * anything a conforming parser would reject that our writers could produce: unbalanced or
 * mismatched tags, duplicate attributes, a raw `<` or stray `&`, characters XML cannot hold,
 * more than one root.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][A-Za-z0-9_.:-]*/;
const INVALID = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(raw: string, at: number): string {
  return raw.replace(/&([^;]*);|&/g, (_match, ref: string | undefined) => {
    if (ref === undefined) throw new Error(`stray & near offset ${at}`);
    if (ref in ENTITIES) return ENTITIES[ref];
    const num = /^#x([0-9A-Fa-f]+)$/.exec(ref) ?? /^#([0-9]+)$/.exec(ref);
    if (!num) throw new Error(`unknown entity &${ref}; near offset ${at}`);
    const char = String.fromCodePoint(parseInt(num[1], ref.startsWith('#x') ? 16 : 10));
    if (INVALID.test(char)) throw new Error(`character reference to an invalid character near ${at}`);
    return char;
  });
}

export function parseXml(xml: string): XmlElement {
  if (INVALID.test(xml)) throw new Error(`invalid XML character at ${xml.search(INVALID)}`);
  let i = 0;
  const skipSpace = () => {
    while (i < xml.length && /\s/.test(xml[i])) i++;
  };
  const skipMisc = () => {
    for (;;) {
      skipSpace();
      if (xml.startsWith('<?', i)) {
        const end = xml.indexOf('?>', i);
        if (end < 0) throw new Error('unterminated processing instruction');
        i = end + 2;
      } else if (xml.startsWith('<!--', i)) {
        const end = xml.indexOf('-->', i);
        if (end < 0) throw new Error('unterminated comment');
        i = end + 3;
      } else return;
    }
  };
  const element = (): XmlElement => {
    if (xml[i] !== '<') throw new Error(`expected < at ${i}`);
    i++;
    const name = NAME.exec(xml.slice(i))?.[0];
    if (!name) throw new Error(`bad element name at ${i}`);
    i += name.length;
    const el: XmlElement = { name, attrs: {}, children: [], text: '' };
    for (;;) {
      const before = i;
      skipSpace();
      if (xml.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (xml[i] === '>') {
        i++;
        break;
      }
      if (i === before) throw new Error(`expected whitespace before attribute at ${i}`);
      const attr = NAME.exec(xml.slice(i))?.[0];
      if (!attr) throw new Error(`bad attribute name at ${i}`);
      i += attr.length;
      skipSpace();
      if (xml[i] !== '=') throw new Error(`expected = at ${i}`);
      i++;
      skipSpace();
      const quote = xml[i];
      if (quote !== '"' && quote !== "'") throw new Error(`expected quote at ${i}`);
      const end = xml.indexOf(quote, i + 1);
      if (end < 0) throw new Error('unterminated attribute');
      const raw = xml.slice(i + 1, end);
      if (raw.includes('<')) throw new Error(`< in attribute ${attr} at ${i}`);
      if (attr in el.attrs) throw new Error(`duplicate attribute ${attr}`);
      // Attribute-value normalisation: literal whitespace becomes a space.
      el.attrs[attr] = decode(raw.replace(/[\t\n\r]/g, ' '), i);
      i = end + 1;
    }
    for (;;) {
      const next = xml.indexOf('<', i);
      if (next < 0) throw new Error(`unclosed element ${name}`);
      const text = xml.slice(i, next);
      if (text.includes(']]>')) throw new Error(']]> in text');
      el.text += decode(text, i);
      i = next;
      if (xml.startsWith('</', i)) {
        const close = NAME.exec(xml.slice(i + 2))?.[0];
        if (close !== name) throw new Error(`mismatched end tag </${close}> for <${name}> at ${i}`);
        i += 2 + close.length;
        skipSpace();
        if (xml[i] !== '>') throw new Error(`expected > at ${i}`);
        i++;
        return el;
      }
      if (xml.startsWith('<!--', i)) {
        const end = xml.indexOf('-->', i);
        if (end < 0) throw new Error('unterminated comment');
        i = end + 3;
        continue;
      }
      el.children.push(element());
    }
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (i !== xml.length) throw new Error(`content after the root element at ${i}`);
  return root;
}
