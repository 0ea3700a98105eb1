import { goQuote, type FlagDefinitions, type FlagValues } from './flag-definition.js';

/** The outcome of {@link parseGoFlags}: the values, a request for help, or the one line Go's flag package prints. */
export type GoFlagsResult<D extends FlagDefinitions> =
  | {
      readonly kind: 'flags';
      /** Every flag's value: the last one given on the command line, else its default. */
      readonly values: FlagValues<D>;
      /** The names of the flags given on the command line (Go's `flag.Visit`). */
      readonly given: ReadonlySet<keyof D & string>;
      /** The arguments after the flags: from the first non-flag argument, or after `--` (Go's `flag.Args()`). */
      readonly args: readonly string[];
    }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

/**
 * Parses `argv` as Go's `flag.FlagSet.Parse` does, so that a Deployment's args written for a Go manager mean the
 * same here:
 * - `-name` and `--name` are the same; a value is attached (`-name=value`) or, except for booleans, the next
 *   argument (`-name value`); a boolean alone is true;
 * - parsing stops at the first non-flag argument (or `-` alone) and after `--`; the rest are `args`;
 * - `-h`/`-help`, unless defined, ask for help; an unknown flag, a missing or bad value ends parsing with Go's
 *   message, e.g. `flag provided but not defined: -bogus`;
 * - a flag given twice keeps its last value.
 */
export function parseGoFlags<D extends FlagDefinitions>(
  definitions: D,
  argv: readonly string[],
): GoFlagsResult<D> {
  const values: Record<string, unknown> = {};
  for (const [name, definition] of Object.entries(definitions)) values[name] = definition.default;
  const given = new Set<keyof D & string>();
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg.length < 2 || !arg.startsWith('-')) break;
    const dashes = arg.startsWith('--') ? 2 : 1;
    if (arg === '--') {
      i++;
      break;
    }
    let name = arg.slice(dashes);
    if (name === '' || name.startsWith('-') || name.startsWith('='))
      return failure(`bad flag syntax: ${arg}`);
    let value: string | undefined;
    const equals = name.indexOf('=');
    if (equals > 0) {
      value = name.slice(equals + 1);
      name = name.slice(0, equals);
    }
    const definition = Object.hasOwn(definitions, name) ? definitions[name] : undefined;
    if (!definition) {
      if (name === 'help' || name === 'h') return { kind: 'help' };
      return failure(`flag provided but not defined: -${name}`);
    }
    if (definition.kind === 'bool') {
      value ??= 'true';
    } else if (value === undefined) {
      if (i + 1 >= argv.length) return failure(`flag needs an argument: -${name}`);
      value = argv[++i] ?? '';
    }
    try {
      values[name] = definition.parse(value);
    } catch (err: unknown) {
      const reason = err instanceof Error ? err.message : String(err);
      return failure(
        definition.kind === 'bool'
          ? `invalid boolean value ${goQuote(value)} for -${name}: ${reason}`
          : `invalid value ${goQuote(value)} for flag -${name}: ${reason}`,
      );
    }
    given.add(name);
  }
  return { kind: 'flags', values: values as FlagValues<D>, given, args: argv.slice(i) };
}

function failure(message: string): { readonly kind: 'error'; readonly message: string } {
  return { kind: 'error', message };
}
