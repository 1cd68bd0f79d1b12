/**
 * Docusaurus remark plugin: turns each step block (and the `text expect` block after it) into
 *   <Step pageId="..." locale="..." spec="{StepSpec JSON}" expected="..." />
 * and, given `manifestDir`, writes `<manifestDir>/<locale>/<pageId>.json` (PageManifest): the only place steps are
 * derived from the MDX. The server, `lab run` and Playwright read those files (server/manifests/load.ts).
 * Bad step metadata and unknown version placeholders fail the build with `file:line: message` for every error on
 * the page. Version placeholders (`@@ISTIO@@`) are resolved in the page's code and text.
 * See src/remark/README.md for the syntax.
 */
import {mkdirSync, writeFileSync} from 'node:fs';
import {dirname, join, relative} from 'node:path';
import type {Code, Root, RootContent} from 'mdast';
import type {MdxJsxFlowElement} from 'mdast-util-mdx-jsx';
import type {Plugin} from 'unified';
import {SKIP, visit} from 'unist-util-visit';
import type {VFile} from 'vfile';
import type {PageManifest} from '../core/steps/types';
import type {Versions} from '../core/versions';
import {extractSteps, formatErrors, type ExtractedStep} from './extract-steps';
import {isValidPageId, pageRefOf, type PageRef} from './page-ref';

export interface StepsPluginOptions {
  /** where to write manifests (MANIFEST_DIR for the site); none written when absent */
  manifestDir?: string;
  /** site root, for page ids and manifest `source` paths; defaults to process.cwd() */
  siteDir?: string;
  /** what `@@ISTIO@@`-style placeholders resolve to; default resolveVersions(process.env) */
  versions?: Versions;
}

export class StepsBuildError extends Error {}

const stepsPlugin: Plugin<[StepsPluginOptions?], Root> = (options = {}) => {
  const siteDir = options.siteDir ?? process.cwd();
  return (tree: Root, file: VFile): void => {
    // Docusaurus parses front matter itself and hands it over in file.data.
    const frontMatter = isRecord(file.data.frontMatter) ? file.data.frontMatter : undefined;
    const source = file.path ? relative(siteDir, file.path).replace(/\\/g, '/') : '<unknown file>';
    const page = extractSteps(tree, frontMatter, options.versions ? {versions: options.versions} : {});
    if (page.errors.length > 0) {
      throw new StepsBuildError(`bad step metadata:\n${formatErrors(source, page.errors)}`);
    }
    // Partials (`_name.mdx`) are not pages: skip them unless they hold steps.
    const partial = /(^|\/)_[^/]*$/.test(source);
    const ref = partial ? null : pageRefOf(source, frontMatter?.id);
    if (page.steps.length === 0 && (!ref || !isValidPageId(ref.pageId))) return;
    if (!ref || !isValidPageId(ref.pageId)) {
      throw new StepsBuildError(
        `${source}: steps are only allowed in docs pages (docs/ or i18n/<locale>/docusaurus-plugin-content-docs/current/) ` +
          `whose id is lower-case (a-z, 0-9, -, /)${ref ? `; got "${ref.pageId}"` : ''}`,
      );
    }
    replaceSteps(tree, page.steps, ref);
    // Every docs page gets a manifest (also without steps): the runner and the parity test see every page.
    if (options.manifestDir) {
      const position = frontMatter?.sidebar_position;
      const manifest: PageManifest = {
        ...ref,
        title: page.title,
        source,
        ...(typeof position === 'number' ? {sidebarPosition: position} : {}),
        steps: page.steps.map((step) => step.spec),
      };
      writeManifest(options.manifestDir, manifest);
    }
  };
};
export default stepsPlugin;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** MDX elements right after a step (and its `text expect` block) that belong to it: shown once it has failed. */
const STEP_HELP = new Set(['Hint', 'Solution']);

function replaceSteps(tree: Root, steps: ExtractedStep[], ref: PageRef): void {
  const byNode = new Map<Code, ExtractedStep>(steps.map((step) => [step.node, step]));
  visit(tree, 'code', (node: Code, index, parent) => {
    const step = byNode.get(node);
    if (!step || !parent || index === undefined) return;
    const element = stepElement(step, ref);
    let end = index + (step.expectNode ? 2 : 1);
    for (let help = stepHelp(parent.children[end]); help; help = stepHelp(parent.children[++end])) {
      element.children.push(help);
    }
    parent.children.splice(index, end - index, element);
    return [SKIP, index + 1];
  });
}

/** `<Hint>` / `<Solution>` as a block; one written on a single line (a paragraph holding just it) too. */
function stepHelp(node: RootContent | undefined): MdxJsxFlowElement | undefined {
  if (node?.type === 'mdxJsxFlowElement') return node.name && STEP_HELP.has(node.name) ? node : undefined;
  if (node?.type !== 'paragraph') return undefined;
  const content = node.children.filter((child) => !(child.type === 'text' && child.value.trim() === ''));
  const only = content.length === 1 ? content[0] : undefined;
  if (only?.type !== 'mdxJsxTextElement' || !only.name || !STEP_HELP.has(only.name)) return undefined;
  return {
    type: 'mdxJsxFlowElement',
    name: only.name,
    attributes: only.attributes,
    children: [{type: 'paragraph', children: only.children}],
    ...(node.position ? {position: node.position} : {}),
  };
}

function stepElement(step: ExtractedStep, ref: PageRef): MdxJsxFlowElement {
  const attribute = (name: string, value: string) => ({type: 'mdxJsxAttribute' as const, name, value});
  return {
    type: 'mdxJsxFlowElement',
    name: 'Step',
    attributes: [
      attribute('pageId', ref.pageId),
      attribute('locale', ref.locale),
      attribute('spec', JSON.stringify(step.spec)),
      attribute('expected', step.expected),
    ],
    children: [],
    ...(step.node.position ? {position: step.node.position} : {}),
  };
}

export function writeManifest(manifestDir: string, manifest: PageManifest): string {
  const path = join(manifestDir, manifest.locale, `${manifest.pageId}.json`);
  mkdirSync(dirname(path), {recursive: true});
  writeFileSync(path, JSON.stringify(manifest, null, 2) + '\n');
  return path;
}
