/**
 * How the steps remark plugin derives a page's steps: from the mdast of a doc to its steps and the authoring errors
 * found. This is the only place steps are read from MDX; everything else reads the manifests the plugin writes.
 *
 * First it resolves version placeholders (`@@ISTIO@@`, src/core/versions.ts) in place, in every code block, inline
 * code and text of the tree, so the page, the manifest and the runner all see the same real values; an unknown
 * placeholder is an authoring error at its line.
 */
import type {Code, Heading, Nodes, Parent, Root} from 'mdast';
import {visit} from 'unist-util-visit';
import {parse as parseYaml} from 'yaml';
import {isStepBlock, parseExpectBlockMeta, parseStepMeta, StepMetaError} from '../core/steps/meta';
import type {StepSpec} from '../core/steps/types';
import {resolveVersions, substituteVersions, unknownPlaceholderMessage, type Versions} from '../core/versions';

export interface ExtractedStep {
  spec: StepSpec;
  /** text of the `text expect` block that follows the step, or '' */
  expected: string;
  /** 1-based line of the step's fence */
  line: number;
  /** the step's code node and its `text expect` node, so the plugin can replace them */
  node: Code;
  expectNode?: Code;
}

export interface StepAuthoringError {
  line: number;
  message: string;
}

export interface ExtractedPage {
  steps: ExtractedStep[];
  errors: StepAuthoringError[];
  /** front matter `title`, else the first `# heading`, else '' */
  title: string;
}

export interface ExtractOptions {
  /** the versions placeholders resolve to; default resolveVersions(process.env) (LAB_VERSION_* overrides) */
  versions?: Versions;
}

/**
 * @param frontMatter front matter already parsed (Docusaurus passes it in `file.data.frontMatter`); when absent a
 *   `yaml` node in the tree (remark-frontmatter) is read instead.
 */
export function extractSteps(
  tree: Root,
  frontMatter?: Record<string, unknown>,
  options: ExtractOptions = {},
): ExtractedPage {
  const steps: ExtractedStep[] = [];
  const errors: StepAuthoringError[] = [];
  resolvePlaceholders(tree, options.versions ?? resolveVersions(processEnv()), errors);
  const claimed = new Set<Code>(); // `text expect` blocks attached to a step
  const seen = new Map<string, number>(); // step id -> line of first use

  visit(tree, 'code', (node: Code, index, parent: Parent | undefined) => {
    const line = node.position?.start.line ?? 0;
    if (!isStepBlock(node.meta)) {
      if (claimed.has(node)) return; // reported (if bad) with its step
      try {
        if (parseExpectBlockMeta(node.lang, node.meta) !== null) {
          errors.push({
            line,
            message: 'a `text expect` block must come right after a step block (```bash step id=...)',
          });
        }
      } catch (error) {
        errors.push({line, message: (error as Error).message});
      }
      return;
    }
    const next = parent && index !== undefined ? parent.children[index + 1] : undefined;
    // Claim a following `text expect` block even when this step is bad, so it is not reported a second time.
    if (next?.type === 'code' && next.lang === 'text' && /^expect\b/.test((next.meta ?? '').trim())) claimed.add(next);
    let spec: StepSpec;
    try {
      spec = parseStepMeta(node.lang ?? '', node.meta ?? '', node.value);
    } catch (error) {
      if (!(error instanceof StepMetaError)) throw error;
      errors.push({line, message: error.message});
      return;
    }
    const first = seen.get(spec.id);
    if (first !== undefined) {
      errors.push({
        line,
        message: `duplicate step id "${spec.id}" (first used on line ${first}); give each step of a page its own id`,
      });
      return;
    }
    seen.set(spec.id, line);

    let expected = '';
    let expectNode: Code | undefined;
    if (next?.type === 'code') {
      try {
        const kind = parseExpectBlockMeta(next.lang, next.meta);
        if (kind !== null) {
          expectNode = next;
          expected = next.value;
          if (expected.trim() === '')
            throw new StepMetaError('the `text expect` block is empty: write the output to expect, or remove it');
          spec.expect.push({kind, pattern: expected});
        }
      } catch (error) {
        errors.push({line: next.position?.start.line ?? line, message: (error as Error).message});
        return;
      }
    }
    steps.push({spec, expected, line, node, ...(expectNode ? {expectNode} : {})});
  });

  errors.sort((a, b) => a.line - b.line); // placeholder errors first found, but listed in file order
  return {steps, errors, title: pageTitle(tree, frontMatter)};
}

function processEnv(): Record<string, string | undefined> {
  return (globalThis as {process?: {env?: Record<string, string | undefined>}}).process?.env ?? {};
}

/** Replaces `@@KEY@@` in code (value and info string), inline code and text; reports unknown ones by line. */
function resolvePlaceholders(tree: Root, versions: Versions, errors: StepAuthoringError[]): void {
  const report = (firstLine: number, unknown: ReturnType<typeof substituteVersions>['unknown']) => {
    for (const item of unknown)
      errors.push({line: firstLine + item.line, message: unknownPlaceholderMessage(item.name)});
  };
  visit(tree, (node) => {
    const line = node.position?.start.line ?? 0;
    if (node.type === 'code') {
      if (node.meta) {
        const meta = substituteVersions(node.meta, versions);
        report(line, meta.unknown);
        node.meta = meta.text;
      }
      const body = substituteVersions(node.value, versions);
      report(line + 1, body.unknown); // a fenced block's text starts on the line after the fence
      node.value = body.text;
    } else if (node.type === 'inlineCode' || node.type === 'text') {
      const result = substituteVersions(node.value, versions);
      report(line, result.unknown);
      node.value = result.text;
    }
  });
}

function pageTitle(tree: Root, frontMatter?: Record<string, unknown>): string {
  let data = frontMatter;
  if (data === undefined) {
    const yamlNode = tree.children.find((node) => node.type === 'yaml');
    if (yamlNode && 'value' in yamlNode) {
      const parsed: unknown = parseYaml(yamlNode.value);
      if (parsed !== null && typeof parsed === 'object') data = parsed as Record<string, unknown>;
    }
  }
  if (typeof data?.title === 'string' && data.title !== '') return data.title;
  let title = '';
  visit(tree, 'heading', (node: Heading) => {
    if (node.depth !== 1 || title !== '') return;
    title = plainText(node).trim();
  });
  return title;
}

function plainText(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string' && node.type !== 'code') return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(plainText).join('');
  return '';
}

/** One line per error, `file:line: message`, for the build error. */
export function formatErrors(file: string, errors: StepAuthoringError[]): string {
  return errors.map((error) => `${file}:${error.line}: ${error.message}`).join('\n');
}
