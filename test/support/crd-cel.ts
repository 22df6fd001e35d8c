/**
 * A very small subset of CEL for CRD `x-kubernetes-validations`, because some
 * create-time rules only exist there (VolumeSnapshot: "exactly one of
 * volumeSnapshotContentName and persistentVolumeClaimName must be set").
 * Supported: `has(self.a.b)`, `size(self) <op> <int>`, `!`, `&&`, `||`,
 * parentheses. Transition rules (using `oldSelf`) apply to updates only and
 * are skipped, as are rules outside the subset (none in the reference CRDs today).
 */

type Evaluate = (self: unknown) => boolean;

/** Compiles a rule, or returns undefined when it is outside the subset or a transition rule. */
export function compileCel(rule: string): Evaluate | undefined {
  if (/\boldSelf\b/.test(rule)) return undefined;
  const tokens = rule.match(
    /\s*(has\(self(?:\.[A-Za-z_][A-Za-z0-9_]*)+\)|size\(self\)|&&|\|\||[<>=!]=|[<>!()]|\d+|\S)/g,
  );
  if (!tokens) return undefined;
  const list = tokens.map((t) => t.trim());
  let at = 0;
  const peek = (): string | undefined => list[at];
  const fail = (): never => {
    throw new SyntaxError(rule);
  };
  const or = (): Evaluate => {
    let left = and();
    while (peek() === '||') {
      at += 1;
      const [l, r] = [left, and()];
      left = (self) => l(self) || r(self);
    }
    return left;
  };
  const and = (): Evaluate => {
    let left = unary();
    while (peek() === '&&') {
      at += 1;
      const [l, r] = [left, unary()];
      left = (self) => l(self) && r(self);
    }
    return left;
  };
  const unary = (): Evaluate => {
    const token = list[at++] ?? fail();
    if (token === '!') {
      const inner = unary();
      return (self) => !inner(self);
    }
    if (token === '(') {
      const inner = or();
      if (list[at++] !== ')') fail();
      return inner;
    }
    if (token.startsWith('has(self.')) {
      const keys = token.slice('has(self.'.length, -1).split('.').map(unescapeCel);
      return (self) => has(self, keys);
    }
    if (token === 'size(self)') {
      const op = list[at++] ?? fail();
      const limit = Number(list[at++] ?? fail());
      if (!Number.isInteger(limit)) fail();
      return (self) => compare(size(self), op, limit);
    }
    return fail();
  };
  try {
    const evaluate = or();
    return at === list.length ? evaluate : undefined;
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/** CEL escapes property names that are reserved words or contain punctuation (`__namespace__`, `__dash__`). */
function unescapeCel(name: string): string {
  const word = /^__([A-Za-z]+)__$/.exec(name);
  if (word && !['dash', 'dot', 'slash', 'underscores'].includes(word[1]!)) return word[1]!;
  return name
    .replace(/__dash__/g, '-')
    .replace(/__dot__/g, '.')
    .replace(/__slash__/g, '/')
    .replace(/__underscores__/g, '__');
}

function has(self: unknown, keys: readonly string[]): boolean {
  let node = self;
  for (const key of keys) {
    if (typeof node !== 'object' || node === null || !(key in node)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

function size(self: unknown): number {
  if (typeof self === 'string' || Array.isArray(self)) return self.length;
  if (typeof self === 'object' && self !== null) return Object.keys(self).length;
  return 0;
}

function compare(a: number, op: string, b: number): boolean {
  switch (op) {
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    default:
      throw new SyntaxError(op);
  }
}
