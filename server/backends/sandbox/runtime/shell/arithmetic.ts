import {ShellSyntaxError} from './ast';

/**
 * $(( … )): integer arithmetic as sh does it — + - * / % comparisons, && ||, parentheses, unary minus/!,
 * variables by name. Evaluated by a small Pratt parser, never by JavaScript's eval.
 */
export function evalArithmetic(expr: string, lookup: (name: string) => string): number {
  const toks = expr.match(
    /\s*(\d+|[A-Za-z_][A-Za-z0-9_]*|\$[A-Za-z_][A-Za-z0-9_]*|<=|>=|==|!=|&&|\|\||[-+*/%()<>!])\s*/gy,
  );
  if (!toks || toks.join('').length !== expr.length)
    throw new ShellSyntaxError(`arithmetic syntax error: "${expr.trim()}"`);
  const ts = toks.map((t) => t.trim()).filter(Boolean);
  let i = 0;
  const BIN: Record<string, [number, (a: number, b: number) => number]> = {
    '||': [1, (a, b) => +(a !== 0 || b !== 0)],
    '&&': [2, (a, b) => +(a !== 0 && b !== 0)],
    '==': [3, (a, b) => +(a === b)],
    '!=': [3, (a, b) => +(a !== b)],
    '<': [4, (a, b) => +(a < b)],
    '>': [4, (a, b) => +(a > b)],
    '<=': [4, (a, b) => +(a <= b)],
    '>=': [4, (a, b) => +(a >= b)],
    '+': [5, (a, b) => a + b],
    '-': [5, (a, b) => a - b],
    '*': [6, (a, b) => a * b],
    '/': [
      6,
      (a, b) => {
        if (b === 0) throw new ShellSyntaxError('arithmetic: division by zero');
        return Math.trunc(a / b);
      },
    ],
    '%': [
      6,
      (a, b) => {
        if (b === 0) throw new ShellSyntaxError('arithmetic: division by zero');
        return a % b;
      },
    ],
  };
  const atom = (): number => {
    const t = ts[i++];
    if (t === undefined) throw new ShellSyntaxError(`arithmetic syntax error: "${expr.trim()}"`);
    if (t === '(') {
      const v = binary(0);
      if (ts[i++] !== ')') throw new ShellSyntaxError('arithmetic: missing )');
      return v;
    }
    if (t === '-') return -atom();
    if (t === '+') return atom();
    if (t === '!') return +(atom() === 0);
    if (/^\d+$/.test(t)) return Number(t);
    const v = lookup(t.replace(/^\$/, ''));
    return Number.parseInt(v || '0', 10) || 0;
  };
  const binary = (min: number): number => {
    let left = atom();
    for (;;) {
      const op = BIN[ts[i] ?? ''];
      if (!op || op[0] <= min) return left;
      i++;
      left = op[1](left, binary(op[0]));
    }
  };
  const v = binary(0);
  if (i !== ts.length) throw new ShellSyntaxError(`arithmetic syntax error: "${expr.trim()}"`);
  return v;
}
