/**
 * The subset of CloudWatch Logs filter-pattern syntax the stack's metric filters use: JSON patterns
 * `{ <expr> }` with property selectors `$.a.b`, string comparisons `= "v"` / `!= "v"` (with `*`
 * as a wildcard, and `"*"` alone matching any value present), numeric comparisons
 * `= != < <= > >=`, `&&`, `||` and parentheses. Semantics from "Filter pattern syntax for metric
 * filters" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html):
 * a JSON pattern matches only log events that are JSON; a selector that names no property does not
 * match; strings are compared as strings and numbers as numbers. Anything else throws, so a pattern
 * this model cannot read is never silently "matched".
 */
export function matchesFilterPattern(pattern: string, logLine: string): boolean {
  const body = /^\s*\{(.*)\}\s*$/s.exec(pattern)?.[1];
  if (body === undefined) throw new Error(`Not a JSON filter pattern: ${pattern}`);
  let event: unknown;
  try {
    event = JSON.parse(logLine);
  } catch {
    return false;
  }
  const parser = new Parser(tokenize(body), event);
  const result = parser.expression();
  parser.end();
  return result;
}

type Token = { kind: 'sel' | 'op' | 'str' | 'num' | 'star' | 'paren'; text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const re =
    /\s*(?:(\$(?:\.[A-Za-z0-9_-]+)+)|(&&|\|\||!=|<=|>=|=|<|>)|"((?:[^"\\]|\\.)*)"|(-?\d+(?:\.\d+)?)|(\*)|([()]))/y;
  let at = 0;
  while (at < source.length) {
    if (/^\s*$/.test(source.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(source);
    if (!m) throw new Error(`Unsupported filter pattern syntax at: ${source.slice(at)}`);
    at = re.lastIndex;
    if (m[1]) tokens.push({ kind: 'sel', text: m[1] });
    else if (m[2]) tokens.push({ kind: 'op', text: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: 'str', text: m[3] });
    else if (m[4]) tokens.push({ kind: 'num', text: m[4] });
    else if (m[5]) tokens.push({ kind: 'star', text: '*' });
    else tokens.push({ kind: 'paren', text: m[6] });
  }
  return tokens;
}

class Parser {
  private at = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly event: unknown,
  ) {}

  expression(): boolean {
    let value = this.conjunction();
    while (this.peek('op', '||')) {
      this.at++;
      value = this.conjunction() || value;
    }
    return value;
  }

  end() {
    if (this.at !== this.tokens.length) throw new Error('Unexpected tokens after the filter pattern');
  }

  private conjunction(): boolean {
    let value = this.term();
    while (this.peek('op', '&&')) {
      this.at++;
      value = this.term() && value;
    }
    return value;
  }

  private term(): boolean {
    if (this.peek('paren', '(')) {
      this.at++;
      const value = this.expression();
      this.expect('paren', ')');
      return value;
    }
    const selector = this.expect('sel').text;
    const op = this.expect('op').text;
    const operand = this.tokens[this.at++];
    if (!operand) throw new Error('Missing operand');
    const found = select(this.event, selector);
    if (found === undefined) return false;
    if (operand.kind === 'star') return op === '=';
    if (operand.kind === 'str') {
      if (op !== '=' && op !== '!=') throw new Error(`Strings compare with = or != only, not ${op}`);
      if (typeof found !== 'string') return false;
      const equal = wildcard(operand.text).test(found);
      return op === '=' ? equal : !equal;
    }
    if (operand.kind === 'num') {
      if (typeof found !== 'number') return false;
      const n = Number(operand.text);
      return {
        '=': found === n,
        '!=': found !== n,
        '<': found < n,
        '<=': found <= n,
        '>': found > n,
        '>=': found >= n,
      }[op] as boolean;
    }
    throw new Error(`Unsupported operand ${operand.text}`);
  }

  private peek(kind: Token['kind'], text?: string) {
    const t = this.tokens[this.at];
    return t !== undefined && t.kind === kind && (text === undefined || t.text === text);
  }

  private expect(kind: Token['kind'], text?: string): Token {
    if (!this.peek(kind, text)) throw new Error(`Expected ${text ?? kind} in the filter pattern`);
    return this.tokens[this.at++];
  }
}

function select(event: unknown, selector: string): unknown {
  let value: unknown = event;
  for (const key of selector.slice(2).split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value === null ? undefined : value;
}

/** `*` in a quoted string matches any run of characters; the rest is literal. */
function wildcard(text: string): RegExp {
  return new RegExp(
    `^${text
      .split('*')
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  );
}
