/**
 * Parses the info string of a step's fenced code block into a StepSpec.
 *
 *   ```bash step id=kubectl-client timeout=30s expect="Client Version: v"
 *
 * The fence language comes first (mdast gives it as `lang`), then the word `step`, then key=value pairs whose
 * values are bare words or double-quoted JSON strings. Platform-free: the remark plugin (build), the collector
 * (server) and tests share it. Errors are written for the author: what is wrong and what to write instead.
 */
import {z} from 'zod';
import {
  DEFAULT_STEP_TIMEOUT_MS,
  DEFAULT_VERIFY_TIMEOUT_MS,
  type OutputCheck,
  type OutputCheckKind,
  type StepSpec,
} from './types';

export class StepMetaError extends Error {}

/** Keys that add an output check to the command (repeatable), and the kind each adds. */
const COMMAND_CHECK_KEYS: Record<string, OutputCheckKind> = {
  expect: 'contains',
  'expect-not': 'not-contains',
  'expect-regex': 'regex',
  'expect-like': 'like',
};
/** The same for the verify command. */
const VERIFY_CHECK_KEYS: Record<string, OutputCheckKind> = {
  'verify-expect': 'contains',
  'verify-expect-not': 'not-contains',
  'verify-expect-regex': 'regex',
  'verify-expect-like': 'like',
};
const SINGLE_KEYS = ['id', 'timeout', 'exit', 'verify', 'verify-exit', 'verify-timeout'] as const;
export const STEP_META_KEYS: readonly string[] = [
  ...SINGLE_KEYS,
  ...Object.keys(COMMAND_CHECK_KEYS),
  ...Object.keys(VERIFY_CHECK_KEYS),
];

const STEP_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** True when a code block is a step: its meta starts with the word `step`. */
export function isStepBlock(meta: string | null | undefined): boolean {
  return meta != null && /^step(\s|$)/.test(meta.trim());
}

/** Parses a duration like `30s`, `2m`, `1m30s`, `500ms`, `1h` into milliseconds; null when malformed. */
export function parseDuration(text: string): number | null {
  const match = /^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(text);
  if (!match || text === '') return null;
  const [, h = '0', m = '0', s = '0', ms = '0'] = match;
  return ((Number(h) * 60 + Number(m)) * 60 + Number(s)) * 1000 + Number(ms);
}

export interface MetaPair {
  key: string;
  value: string;
}

/** Splits `a=b c="x y"` into pairs; quoted values are JSON strings (so `\"` and `\n` work). */
export function tokenizeMeta(text: string): MetaPair[] {
  const pairs: MetaPair[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && /\s/.test(text[i]!)) i++;
    if (i >= n) break;
    const keyStart = i;
    while (i < n && /[A-Za-z0-9_-]/.test(text[i]!)) i++;
    const key = text.slice(keyStart, i);
    if (key === '') {
      throw new StepMetaError(`unexpected "${text.slice(i, i + 10)}": write key=value pairs, e.g. id=my-step`);
    }
    if (text[i] !== '=') {
      throw new StepMetaError(`"${key}" has no value: write ${key}=value (quote values with spaces: ${key}="a b")`);
    }
    i++;
    let value: string;
    if (text[i] === '"') {
      const start = i;
      i++;
      while (i < n && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      if (i >= n) throw new StepMetaError(`${key}: the quoted value is not closed; end it with "`);
      i++;
      try {
        value = JSON.parse(text.slice(start, i)) as string;
      } catch {
        throw new StepMetaError(`${key}: ${text.slice(start, i)} is not a valid JSON string (escape " as \\")`);
      }
    } else if (text[i] === "'") {
      // single quotes: the value as written, no escapes (handy for values full of double quotes)
      const end = text.indexOf("'", i + 1);
      if (end === -1) throw new StepMetaError(`${key}: the quoted value is not closed; end it with '`);
      value = text.slice(i + 1, end);
      i = end + 1;
    } else {
      const start = i;
      while (i < n && !/\s/.test(text[i]!)) i++;
      value = text.slice(start, i);
      if (value.includes('"') || value.includes("'")) {
        throw new StepMetaError(
          `${key}: a quote inside a bare value; quote the whole value: ${key}="..." or ${key}='...'`,
        );
      }
    }
    if (i < n && !/\s/.test(text[i]!)) {
      throw new StepMetaError(`${key}: put a space after the value, before "${text.slice(i, i + 10)}"`);
    }
    pairs.push({key, value});
  }
  return pairs;
}

const durationField = (key: string) =>
  z.string().transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === null || ms <= 0) {
      ctx.addIssue({
        code: 'custom',
        message: `${key}=${text} is not a duration: write e.g. ${key}=30s, ${key}=2m or ${key}=1m30s`,
      });
      return z.NEVER;
    }
    return ms;
  });
const exitField = (key: string, allowAny: boolean) =>
  z.string().transform((text, ctx) => {
    if (allowAny && text === 'any') return null;
    if (!/^\d{1,3}$/.test(text) || Number(text) > 255) {
      ctx.addIssue({
        code: 'custom',
        message: `${key}=${text} is not an exit code: write a number 0-255${allowAny ? ` or ${key}=any` : ''}`,
      });
      return z.NEVER;
    }
    return Number(text);
  });

const singleSchema = z.object({
  id: z
    .string({error: 'missing id: every step needs one, e.g. ```bash step id=create-cluster'})
    .regex(STEP_ID, {error: 'id: use lower-case words joined by -, e.g. id=install-istio'}),
  timeout: durationField('timeout').optional(),
  exit: exitField('exit', true).optional(),
  verify: z.string().min(1, {error: 'verify: give the command to retry, e.g. verify="kubectl get pods"'}).optional(),
  'verify-exit': exitField('verify-exit', false).optional(),
  'verify-timeout': durationField('verify-timeout').optional(),
});

function checkPattern(key: string, kind: OutputCheckKind, pattern: string): OutputCheck {
  if (pattern === '') throw new StepMetaError(`${key}: the pattern is empty; write ${key}="text to look for"`);
  if (kind === 'regex') {
    try {
      new RegExp(pattern, 'm');
    } catch (error) {
      throw new StepMetaError(
        `${key}: invalid regular expression /${pattern}/ (${(error as Error).message}); escape special characters with \\`,
      );
    }
  }
  return {kind, pattern};
}

/**
 * Builds a StepSpec from a code block's lang, meta (everything after the language) and body.
 * Throws StepMetaError naming the problem and the fix.
 */
export function parseStepMeta(lang: string, meta: string, command: string): StepSpec {
  const trimmed = meta.trim();
  if (!isStepBlock(trimmed)) throw new StepMetaError('not a step: the info string must be "<lang> step id=..."');
  const pairs = tokenizeMeta(trimmed.slice('step'.length));
  const single: Record<string, string> = {};
  const expect: OutputCheck[] = [];
  const verifyExpect: OutputCheck[] = [];
  for (const {key, value} of pairs) {
    const commandKind = COMMAND_CHECK_KEYS[key];
    const verifyKind = VERIFY_CHECK_KEYS[key];
    if (commandKind) expect.push(checkPattern(key, commandKind, value));
    else if (verifyKind) verifyExpect.push(checkPattern(key, verifyKind, value));
    else if ((SINGLE_KEYS as readonly string[]).includes(key)) {
      if (key in single) throw new StepMetaError(`${key} is given twice; keep one`);
      single[key] = value;
    } else {
      throw new StepMetaError(`unknown key "${key}": use one of ${STEP_META_KEYS.join(', ')}`);
    }
  }
  const parsed = singleSchema.safeParse(single);
  if (!parsed.success) throw new StepMetaError(parsed.error.issues.map((issue) => issue.message).join('; '));
  const fields = parsed.data;
  const hasVerifyOptions =
    verifyExpect.length > 0 || fields['verify-exit'] !== undefined || fields['verify-timeout'] !== undefined;
  if (hasVerifyOptions && fields.verify === undefined) {
    throw new StepMetaError('verify-* options need a verify command: add verify="kubectl get pods ..."');
  }
  if (lang.trim() === '') throw new StepMetaError('the fence has no language: write ```bash step id=...');
  const body = command.replace(/\s+$/, '');
  if (body.trim() === '') throw new StepMetaError('the step has no command: write it inside the code block');

  const spec: StepSpec = {
    id: fields.id,
    lang,
    command: body,
    timeoutMs: fields.timeout ?? DEFAULT_STEP_TIMEOUT_MS,
    exitCode: fields.exit === undefined ? 0 : fields.exit,
    expect,
  };
  if (fields.verify !== undefined) {
    spec.verify = {
      command: fields.verify,
      exitCode: fields['verify-exit'] ?? 0,
      expect: verifyExpect,
      timeoutMs: fields['verify-timeout'] ?? DEFAULT_VERIFY_TIMEOUT_MS,
    };
  }
  return spec;
}

/** Parses the info string of a `text expect` block: returns its check kind, or null when it is not one. */
export function parseExpectBlockMeta(
  lang: string | null | undefined,
  meta: string | null | undefined,
): OutputCheckKind | null {
  if (lang !== 'text') return null;
  const words = (meta ?? '').trim();
  if (words === 'expect' || words === 'expect=like') return 'like';
  if (words === 'expect=contains') return 'contains';
  if (/^expect(=|\s|$)/.test(words)) {
    throw new StepMetaError(
      `"text ${words}": write \`text expect\` (like), \`text expect=like\` or \`text expect=contains\``,
    );
  }
  return null;
}
