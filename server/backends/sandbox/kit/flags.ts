/**
 * A small pflag-compatible parser (what k3d's cobra commands and docker's use): `--name=v`, `--name v`, `-n v`,
 * `-nv`, bool flags with optional `=false`, repeatable string arrays, `--` ending flags, positionals anywhere.
 * Errors carry pflag's own wording, which is what learners paste into search engines.
 */
export type FlagType = 'string' | 'int' | 'bool' | 'stringArray' | 'duration';

export interface FlagSpec {
  name: string;
  short?: string;
  type: FlagType;
  default?: string | number | boolean | string[];
  usage: string;
  /** pflag's Value.Type() when it is not `type` (klog's `--vklog Level`): shown in usage, and a non-string is unquoted */
  typeName?: string;
  /**
   * pflag's DefValue when it is not `default`: what the help's `(default …)` shows. istioctl version Sets --short and
   * --remote to true after defining them false, so its help shows no default while the flags start true.
   */
  defValue?: string;
}

export type FlagValues = Record<string, string | number | boolean | string[] | undefined>;

export class FlagError extends Error {}

export interface Parsed {
  flags: FlagValues;
  args: string[];
  /** names of the flags given on the command line */
  set: Set<string>;
}

const label = (f: FlagSpec) => (f.short ? `-${f.short}, --${f.name}` : `--${f.name}`);

function convert(f: FlagSpec, raw: string): string | number | boolean {
  switch (f.type) {
    case 'int':
      if (!/^[-+]?\d+$/.test(raw))
        throw new FlagError(
          `invalid argument "${raw}" for "${label(f)}" flag: strconv.ParseInt: parsing "${raw}": invalid syntax`,
        );
      return Number(raw);
    case 'bool':
      if (!/^(1|0|t|f|T|F|true|false|TRUE|FALSE|True|False)$/.test(raw))
        throw new FlagError(
          `invalid argument "${raw}" for "${label(f)}" flag: strconv.ParseBool: parsing "${raw}": invalid syntax`,
        );
      return /^(1|t|T|true|TRUE|True)$/.test(raw);
    case 'duration':
      if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$|^0$/.test(raw))
        throw new FlagError(`invalid argument "${raw}" for "${label(f)}" flag: time: invalid duration "${raw}"`);
      return raw;
    default:
      return raw;
  }
}

export function parseFlags(argv: string[], specs: FlagSpec[]): Parsed {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const flags: FlagValues = {};
  for (const s of specs) flags[s.name] = Array.isArray(s.default) ? [...s.default] : s.default;
  const set = new Set<string>();
  const args: string[] = [];
  const assign = (f: FlagSpec, raw: string) => {
    const v = convert(f, raw);
    if (f.type === 'stringArray') flags[f.name] = set.has(f.name) ? [...(flags[f.name] as string[]), raw] : [raw];
    else flags[f.name] = v;
    set.add(f.name);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const f = byName.get(name);
      if (!f) throw new FlagError(`unknown flag: --${name}`);
      if (eq >= 0) assign(f, a.slice(eq + 1));
      else if (f.type === 'bool') assign(f, 'true');
      else if (i + 1 < argv.length) assign(f, argv[++i]!);
      else throw new FlagError(`flag needs an argument: --${name}`);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j]!;
        const f = byShort.get(c);
        if (!f) throw new FlagError(`unknown shorthand flag: '${c}' in ${a}`);
        if (f.type === 'bool') {
          if (a[j + 1] === '=') {
            assign(f, a.slice(j + 2));
            break;
          }
          assign(f, 'true');
          continue;
        }
        const rest = a.slice(j + 1).replace(/^=/, '');
        if (rest) assign(f, rest);
        else if (i + 1 < argv.length) assign(f, argv[++i]!);
        else throw new FlagError(`flag needs an argument: '${c}' in -${c}`);
        break;
      }
      continue;
    }
    args.push(a);
  }
  return {flags, args, set};
}

/** pflag's `(default …)` suffix: only for a non-zero default (defaultIsZeroValue), quoted for string flags */
function defaultSuffix(f: FlagSpec): string {
  const d = f.defValue ?? f.default;
  if (d === 'false' && f.type === 'bool') return '';
  if (d === undefined || d === '' || d === false || d === 0 || (Array.isArray(d) && !d.length)) return '';
  if (f.type === 'duration' && (d === '0s' || d === '0')) return '';
  if (Array.isArray(d)) return ` (default [${d.join(',')}])`;
  return (f.typeName ?? f.type) === 'string' ? ` (default ${JSON.stringify(d)})` : ` (default ${String(d)})`;
}

/**
 * cobra's "Flags:" block: pflag FlagUsages (a usage's own line breaks indented to the usage column, as its wrap does
 * with no width), through cobra's trimTrailingWhitespaces
 */
export function flagUsage(specs: FlagSpec[]): string {
  const rows = specs.map((f) => {
    const type = f.type === 'bool' ? '' : ` ${f.typeName ?? f.type}`;
    return [f.short ? `  -${f.short}, --${f.name}${type}` : `      --${f.name}${type}`, f.usage + defaultSuffix(f)];
  });
  const w = Math.max(...rows.map((r) => r[0]!.length)) + 3;
  return rows
    .map(([a, b]) => a!.padEnd(w) + b!.replaceAll('\n', `\n${' '.repeat(w)}`))
    .join('\n')
    .trimEnd();
}
