/**
 * The sealed shell's report at every prompt (OSC 633;P;LabSeal=…, from bash-integration.sh): the watched variables
 * as the shell has them and how each sealed command resolves. The step engine compares it with the backend's seal
 * (server/engine/seal-check.ts) before it types a step.
 */
import type {Locale} from '../../src/core/protocol/messages';

export const SEAL_PROPERTY = 'LabSeal';

export interface SealReport {
  /** watched variables: their value, or null when unset */
  vars: Record<string, string | null>;
  /**
   * sealed commands: `file:<path>`, `launcher:<path>` (a launcher of the sandbox's own command that the sandbox wrote
   * elsewhere, e.g. the downloaded istioctl), `alias`, `function` or `missing`
   */
  commands: Record<string, string>;
}

/** Lines `NAME=value`, `NAME` (unset) and `cmd:NAME=how`; anything else is ignored. */
export function parseSealReport(value: string): SealReport {
  const report: SealReport = {vars: Object.create(null), commands: Object.create(null)};
  for (const line of value.split('\n')) {
    if (line === '') continue;
    const eq = line.indexOf('=');
    const name = eq < 0 ? line : line.slice(0, eq);
    if (name.startsWith('cmd:')) {
      if (eq > 0) report.commands[name.slice(4)] = line.slice(eq + 1);
    } else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      report.vars[name] = eq < 0 ? null : line.slice(eq + 1);
    }
  }
  return report;
}

/**
 * Keys that make the shell print why a step was refused (bound with `bind -x` in bash-integration.sh): readline runs
 * the function and redraws the prompt with whatever the learner had typed.
 */
export function sealRefusalKeys(locale: Locale): string {
  return locale === 'ko' ? '\x18\x0ck' : '\x18\x0ce';
}
