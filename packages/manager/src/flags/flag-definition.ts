/**
 * How a flag reads its value, as Go's flag package distinguishes them: a `bool` flag alone means true and takes a
 * value only attached with `=` (`-leader-elect=false`); every other kind also takes the next argument
 * (`-kubeconfig /path`). The kind also names the value in the usage (`-kubeconfig string`), as Go's `PrintDefaults`.
 */
export type FlagKind = 'bool' | 'string' | 'int' | 'value';

/**
 * One command-line flag: Go's `flag.Var` with its usage and default. Build them with {@link boolFlag},
 * {@link stringFlag}, {@link intFlag} or {@link valueFlag}; the flag's name is its key in the definitions object.
 */
export interface FlagDefinition<T> {
  readonly kind: FlagKind;
  /** The help text; a word in back quotes names the value in the usage, as Go's `UnquoteUsage`. */
  readonly usage: string;
  /** The value when the flag is absent. */
  readonly default: T;
  /** The default as the usage shows it, or undefined to show none (Go shows none for a zero value). */
  readonly defaultText: string | undefined;
  /**
   * Turns the text given on the command line into the value; throws an `Error` whose message completes Go's
   * `invalid value "x" for flag -name: <message>`.
   */
  readonly parse: (text: string) => T;
}

/** Definitions of flags by name (without dashes), e.g. `{ 'log-level': stringFlag('info', '...') }`. */
export type FlagDefinitions = Readonly<Record<string, FlagDefinition<unknown>>>;

/** The parsed values of `D`'s flags, by flag name. */
export type FlagValues<D extends FlagDefinitions> = {
  readonly [K in keyof D]: D[K] extends FlagDefinition<infer T> ? T : never;
};

/** Go's flag package reports any strconv failure as this, whatever the input. */
const parseError = 'parse error';

/**
 * A boolean flag (Go's `flag.Bool`): `-name` alone, or `-name=v` with any spelling `strconv.ParseBool` accepts.
 * Never takes the next argument: `-name false` sets true and stops flag parsing at `false`, as in Go.
 */
export function boolFlag(defaultValue: boolean, usage: string): FlagDefinition<boolean> {
  return {
    kind: 'bool',
    usage,
    default: defaultValue,
    defaultText: defaultValue ? 'true' : undefined,
    parse: (text) => {
      const value = parseGoBool(text);
      if (value === undefined) throw new Error(parseError);
      return value;
    },
  };
}

/** A string flag (Go's `flag.String`); the usage shows a non-empty default quoted, `(default ":8081")`. */
export function stringFlag(defaultValue: string, usage: string): FlagDefinition<string> {
  return {
    kind: 'string',
    usage,
    default: defaultValue,
    defaultText: defaultValue === '' ? undefined : goQuote(defaultValue),
    parse: (text) => text,
  };
}

/** An integer flag (Go's `flag.Int`), in Go's integer syntax: `9443`, `-1`, `0x24c3`, `0o22303`, `9_443`. */
export function intFlag(defaultValue: number, usage: string): FlagDefinition<number> {
  return {
    kind: 'int',
    usage,
    default: defaultValue,
    defaultText: defaultValue === 0 ? undefined : String(defaultValue),
    parse: parseGoInt,
  };
}

/**
 * A flag of any other type (Go's `flag.Var` with a custom `flag.Value`): `parse` validates and converts the text.
 * The usage names its value `value` unless a word in back quotes names it; `defaultText` is shown unquoted.
 */
export function valueFlag<T>(options: {
  readonly usage: string;
  readonly default: T;
  readonly parse: (text: string) => T;
  readonly defaultText?: string;
}): FlagDefinition<T> {
  return {
    kind: 'value',
    usage: options.usage,
    default: options.default,
    defaultText: options.defaultText === '' ? undefined : options.defaultText,
    parse: options.parse,
  };
}

const goBools: ReadonlyMap<string, boolean> = new Map([
  ...['1', 't', 'T', 'TRUE', 'true', 'True'].map((s) => [s, true] as const),
  ...['0', 'f', 'F', 'FALSE', 'false', 'False'].map((s) => [s, false] as const),
]);

/** Go's `strconv.ParseBool`: exactly `1 t T TRUE true True` and `0 f F FALSE false False`, else undefined. */
export function parseGoBool(text: string): boolean | undefined {
  return goBools.get(text);
}

/**
 * Go's `strconv.ParseInt(text, 0, 64)`, as `flag.Int` parses: an optional sign, then decimal, `0x` hex, `0o` or
 * leading-`0` octal, or `0b` binary, `_` allowed between digits. Throws `parse error` or `value out of range`
 * (Go's words). Values beyond 2^53 lose precision in a JS number, which no port or count needs.
 */
export function parseGoInt(text: string): number {
  let unsigned = text;
  const negative = text.startsWith('-');
  if (negative || text.startsWith('+')) unsigned = text.slice(1);
  if (unsigned === '') throw new Error(parseError);
  let base: 2 | 8 | 10 | 16 = 10;
  let digits = unsigned;
  if (unsigned.startsWith('0')) {
    const prefix = unsigned.length >= 3 ? unsigned.charAt(1).toLowerCase() : '';
    base = prefix === 'b' ? 2 : prefix === 'x' ? 16 : 8;
    digits = unsigned.slice(prefix === 'b' || prefix === 'o' || prefix === 'x' ? 2 : 1);
  }
  if (digits.includes('_') && !underscoresOk(unsigned)) throw new Error(parseError);
  const bare = digits.replaceAll('_', '');
  if (bare === '') return 0; // "0": the leading zero of an octal number with no further digits
  if (!digitPatterns[base].test(bare)) throw new Error(parseError);
  const magnitude = BigInt(`${bigIntPrefixes[base]}${bare}`);
  const value = negative ? -magnitude : magnitude;
  if (value > 2n ** 63n - 1n || value < -(2n ** 63n)) throw new Error('value out of range');
  return Number(value);
}

const digitPatterns = { 2: /^[01]+$/, 8: /^[0-7]+$/, 10: /^[0-9]+$/, 16: /^[0-9a-fA-F]+$/ } as const;
const bigIntPrefixes = { 2: '0b', 8: '0o', 10: '', 16: '0x' } as const;

/** Go's `underscoreOK`: each `_` follows a digit or the base prefix and is followed by a digit. */
function underscoresOk(unsigned: string): boolean {
  const hasPrefix = /^0[bBoOxX]/.test(unsigned);
  const hex = /^0[xX]/.test(unsigned);
  let last: 'start' | 'digit' | 'underscore' | 'other' = hasPrefix ? 'digit' : 'start';
  for (const c of unsigned.slice(hasPrefix ? 2 : 0)) {
    if (/[0-9]/.test(c) || (hex && /[a-fA-F]/.test(c))) last = 'digit';
    else if (c === '_') {
      if (last !== 'digit') return false;
      last = 'underscore';
    } else {
      if (last === 'underscore') return false;
      last = 'other';
    }
  }
  return last !== 'underscore';
}

/**
 * Go's `%q` of a string (`strconv.Quote`) for what a command line holds: `"` and `\` escaped, control characters
 * as `\n`, `\t`... or `\xNN`; printable Unicode kept.
 */
export function goQuote(text: string): string {
  const named: Readonly<Record<string, string>> = {
    '\x07': '\\a',
    '\b': '\\b',
    '\f': '\\f',
    '\n': '\\n',
    '\r': '\\r',
    '\t': '\\t',
    '\v': '\\v',
    '"': '\\"',
    '\\': '\\\\',
  };
  const escaped = text.replace(
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is escaped here
    /[\x00-\x1f\x7f"\\]/g,
    (c) => named[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
  return `"${escaped}"`;
}
