// Where a JSON text goes wrong, as line and column. JSON.parse's messages differ between
// engines (V8 gives a position only for some errors, Bun's JavaScriptCore none), so after
// JSON.parse refuses a text this small scanner finds the first error itself. It follows
// RFC 8259, which is what JSON.parse accepts. parseJsonDocument puts the nesting cap and the
// scanner around JSON.parse for every document berth reads (config.json, `exec --process`,
// `update --resources`).

export interface JsonSyntaxProblem {
  /** 1-based line and column (in UTF-16 units, as editors count) */
  line: number;
  column: number;
  reason: string;
}

class Stop {
  constructor(readonly offset: number, readonly reason: string) {}
}

const WS = new Set([' ', '\t', '\n', '\r']);

function describe(c: string | undefined): string {
  if (c === undefined) return 'the end of the text';
  if (c < ' ') return `the control character U+${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`;
  if (c === '\uFEFF') return 'a byte order mark (U+FEFF)';
  return `"${c}"`;
}

/** The first syntax error in `text`, or undefined when it is valid JSON. */
export function findJsonSyntaxProblem(text: string): JsonSyntaxProblem | undefined {
  let i = 0;
  const skip = () => {
    while (WS.has(text[i]!)) i++;
  };
  const fail = (reason: string): never => {
    throw new Stop(i, reason);
  };
  const expect = (what: string) => fail(`expected ${what}, found ${describe(text[i])}`);

  const string = () => {
    i++; // opening quote
    for (;;) {
      const c = text[i];
      if (c === undefined) fail('a string is not closed');
      if (c === '"') break;
      if (c! < ' ') fail(`a string contains ${describe(c)}; write it as an escape`);
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail('\\u must be followed by four hex digits');
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) fail(`"\\${e ?? ''}" is not a JSON escape`);
        i += 2;
        continue;
      }
      i++;
    }
    i++; // closing quote
  };

  const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
  const number = () => {
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (!m) return fail(`expected a number, found ${describe(text[i])}`);
    i += m[0].length;
    // "01" or "1." are not numbers: the next character must end the number.
    if (/[0-9.eE+-]/.test(text[i] ?? '')) fail(`${describe(text[i])} cannot continue the number`);
  };

  // Containers are kept on an explicit stack so a deeply nested text cannot overflow ours.
  // value() reads up to the end of a scalar or an empty container; when it opens a non-empty
  // container it goes on with the first item's value.
  const stack: ('{' | '[')[] = [];
  const value = () => {
    for (;;) {
      skip();
      const c = text[i];
      if (c === '{' || c === '[') {
        i++;
        skip();
        if (text[i] === (c === '{' ? '}' : ']')) {
          i++;
          return;
        }
        stack.push(c);
        if (c === '{') member();
        continue;
      }
      if (c === '"') return string();
      if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
      for (const word of ['true', 'false', 'null']) {
        if (text.startsWith(word, i)) {
          i += word.length;
          return;
        }
      }
      return expect('a value');
    }
  };
  const member = () => {
    skip();
    if (text[i] !== '"') expect('a member name in double quotes');
    string();
    skip();
    if (text[i] !== ':') expect('":" after the member name');
    i++;
  };

  try {
    skip();
    if (i === text.length) fail('there is no JSON value: the text is empty');
    value();
    // After each value: close containers or move to the next item.
    for (;;) {
      skip();
      const top = stack.at(-1);
      if (top === undefined) break;
      const close = top === '{' ? '}' : ']';
      if (text[i] === close) {
        stack.pop();
        i++;
        continue;
      }
      if (text[i] !== ',') expect(`"," or "${close}"`);
      i++;
      if (top === '{') member();
      value();
    }
    if (i < text.length) fail(`unexpected ${describe(text[i])} after the end of the document`);
    return undefined;
  } catch (err) {
    if (!(err instanceof Stop)) throw err;
    return { ...lineAndColumn(text, err.offset), reason: err.reason };
  }
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let k = text.indexOf('\n'); k >= 0 && k < offset; k = text.indexOf('\n', k + 1)) {
    line++;
    lineStart = k + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Where `text` nests containers more than `limit` deep, or undefined. JSON.parse's time grows
 * faster than the text with nesting (a million levels take seconds) and no config.json needs
 * more than a few levels, so create refuses such a text up front, as Go's encoding/json (runc)
 * does past 10000. A cheap pass: only brackets and strings are told apart, nothing is checked.
 */
export function findExcessiveNesting(text: string, limit: number): JsonSyntaxProblem | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c /* \ */) i++;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limit) return { ...lineAndColumn(text, i), reason: `containers are nested more than ${limit} levels deep` };
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return undefined;
}

/**
 * More than any document berth reads needs (the spec's own nest about 6 deep); Go's
 * encoding/json, and so runc, stops at 10000.
 */
export const MAX_NESTING = 1000;

/**
 * JSON text -> value. A text nested more than MAX_NESTING deep is refused before JSON.parse
 * sees it; a syntax error gets its line and column. Failures become `refuse(reason)`, the
 * reason worded "is not usable JSON: ..." or "is not valid JSON: ...".
 */
export function parseJsonDocument(text: string, refuse: (reason: string) => Error): unknown {
  const deep = findExcessiveNesting(text, MAX_NESTING);
  if (deep) throw refuse(`is not usable JSON: line ${deep.line}, column ${deep.column}: ${deep.reason}`);
  try {
    return JSON.parse(text);
  } catch (err) {
    const where = findJsonSyntaxProblem(text);
    if (!where) throw refuse(`is not valid JSON: ${(err as Error).message}`);
    throw refuse(`is not valid JSON: line ${where.line}, column ${where.column}: ${where.reason}`);
  }
}
