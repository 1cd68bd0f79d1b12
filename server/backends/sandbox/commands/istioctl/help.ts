/**
 * A leaf command's help as cobra v1.10.2's defaultHelpFunc prints it: `(or .Long .Short)` with its trailing
 * whitespace trimmed, Usage (the UseLine), Aliases, Examples (as written), Flags (its own, `-h` included), Global
 * Flags (the root's and its group's persistent ones), each block in pflag's FlagUsages order (by name).
 */
import {flagUsage, type FlagSpec} from '../../kit/flags';
import {GLOBAL_HELP_FLAGS} from './cobra';
import {inheritedGroupFlags, sortedFlags} from './groups';
import type {IstioRelease} from './istio-release';

/** what a help text may depend on: the release (docs links, paths) and the terminal (analyze's --color default) */
export interface HelpEnv {
  release: IstioRelease;
  stdoutTTY: boolean;
}

/** what cobra prints for a command; IstioctlCommand carries it for the commands the sandbox runs */
export interface HelpText {
  /** words after `istioctl`: ['waypoint', 'apply'] */
  path: string[];
  aliases?: string[];
  short: string;
  /** cobra's Long and Example (it prints Long instead of Short) */
  long?: string;
  example?: string;
  /** cobra's UseLine: the parent's path, Use, then ` [flags]` */
  use: string;
  /** the flags the sandbox parses */
  flags: FlagSpec[];
  /**
   * the real command's own flags as its help lists them, when they differ from `flags` (flags the sandbox does not
   * simulate, or parses under another default); the sandbox still refuses an unparsed one as unknown
   */
  helpFlags?: (env: HelpEnv) => FlagSpec[];
  /** root flags the real help hides (istioctl/cmd/root.go hideInheritedFlags, 1.29.6) */
  hiddenInheritedFlags?: string[];
}

/**
 * the release in a help text: `@@ISTIO@@` is the version istioctl was built as (operator/version
 * OperatorVersionString), `@@ISTIO_MINOR@@` its minor (pkg/url's docs links: https://istio.io/v1.29/docs/...)
 */
const withRelease = (text: string, release: IstioRelease) =>
  text.replaceAll('@@ISTIO_MINOR@@', release.minor).replaceAll('@@ISTIO@@', release.version);

/** cobra's trimTrailingWhitespaces */
const trimEnd = (s: string) => s.replace(/\s+$/, '');

export function commandHelp(c: HelpText, env: HelpEnv): string {
  const name = c.path[c.path.length - 1]!;
  const defined = c.helpFlags?.(env) ?? c.flags;
  const own = sortedFlags([...defined, {name: 'help', short: 'h', type: 'bool', usage: `help for ${name}`}]);
  const hidden = new Set(c.hiddenInheritedFlags ?? []);
  const global = sortedFlags([...GLOBAL_HELP_FLAGS, ...inheritedGroupFlags(c.path, defined)]).filter(
    (f) => !hidden.has(f.name),
  );
  return withRelease(
    `${trimEnd(c.long ?? c.short)}\n\nUsage:\n  ${c.use}\n` +
      (c.aliases?.length ? `\nAliases:\n  ${[name, ...c.aliases].join(', ')}\n` : '') +
      (c.example ? `\nExamples:\n${c.example}\n` : '') +
      `\nFlags:\n${flagUsage(own)}\n\nGlobal Flags:\n${flagUsage(global)}\n`,
    env.release,
  );
}
