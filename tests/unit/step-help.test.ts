/**
 * A step's <Hint> and <Solution> (src/components/StepHelp): the steps plugin makes those written right after a step
 * (and its `text expect` block) children of that step; every hint in the docs belongs to a step; English and
 * Korean pages give help on the same steps.
 */
import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {describe, it} from 'node:test';
import type {Root} from 'mdast';
import type {MdxJsxFlowElement} from 'mdast-util-mdx-jsx';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import {unified} from 'unified';
import {visit} from 'unist-util-visit';
import {VFile} from 'vfile';
import {splitFrontMatter} from '../fixtures/front-matter';

const DOCS_ROOTS = {en: 'docs', ko: 'i18n/ko/docusaurus-plugin-content-docs/current'};
import stepsPlugin from '../../src/remark/steps-plugin';

const ROOT = process.cwd();

/** Runs the steps plugin on a page; returns, per step id, the help it carries, and help left outside any step. */
async function helpOf(relPath: string, text: string): Promise<{steps: Map<string, string[]>; stray: string[]}> {
  const {data, body} = splitFrontMatter(text);
  const file = new VFile({path: join(ROOT, relPath), value: body, data: {frontMatter: data}});
  const processor = unified().use(remarkParse).use(remarkMdx).use(stepsPlugin, {siteDir: ROOT});
  const tree = (await processor.run(processor.parse(file), file)) as Root;
  const steps = new Map<string, string[]>();
  const stray: string[] = [];
  visit(tree, 'mdxJsxFlowElement', (node: MdxJsxFlowElement, _index, parent) => {
    if (node.name === 'Step') {
      const spec = node.attributes.find((a) => 'name' in a && a.name === 'spec')?.value;
      const id = (JSON.parse(String(spec)) as {id: string}).id;
      steps.set(
        id,
        node.children.map((child) => (child as MdxJsxFlowElement).name ?? child.type),
      );
    } else if ((node.name === 'Hint' || node.name === 'Solution') && (parent as MdxJsxFlowElement)?.name !== 'Step') {
      stray.push(`${relPath}:${node.position?.start.line}: <${node.name}> is not right after a step`);
    }
  });
  visit(tree, 'mdxJsxTextElement', (node) => {
    if (node.name === 'Hint' || node.name === 'Solution')
      stray.push(`${relPath}:${node.position?.start.line}: <${node.name}> is not right after a step`);
  });
  return {steps, stray};
}

describe('step help', () => {
  it('attaches <Hint> and <Solution> after a step (and its expect block) to that step', async () => {
    const page = [
      '# Page',
      '',
      '```bash step id=one',
      'echo one',
      '```',
      '',
      '```text expect',
      'one',
      '```',
      '',
      '<Hint>',
      '',
      'Look at `one`.',
      '',
      '</Hint>',
      '',
      '<Solution>',
      '',
      '```bash',
      'echo one',
      '```',
      '',
      '</Solution>',
      '',
      'Text between.',
      '',
      '```bash step id=two',
      'echo two',
      '```',
      '',
      '<Hint>Too far away.</Hint>',
    ].join('\n');
    const fixture = await helpOf('docs/help-fixture.mdx', page);
    assert.deepEqual(fixture.steps.get('one'), ['Hint', 'Solution']);
    assert.deepEqual(fixture.steps.get('two'), ['Hint']);
    assert.deepEqual(fixture.stray, []);
  });

  it('in the docs: every hint belongs to a step, and both locales help on the same steps', async () => {
    const byLocale: Record<string, Map<string, string[]>> = {};
    const stray: string[] = [];
    for (const [locale, dir] of Object.entries(DOCS_ROOTS)) {
      const all = new Map<string, string[]>();
      for (const name of readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.mdx'))) {
        const relPath = `${dir}/${name}`;
        const help = await helpOf(relPath, readFileSync(join(ROOT, relPath), 'utf8'));
        stray.push(...help.stray);
        for (const [id, children] of help.steps) if (children.length > 0) all.set(`${name}#${id}`, children);
      }
      byLocale[locale] = all;
    }
    assert.deepEqual(stray, []);
    assert.ok(byLocale.en!.size >= 5, 'the walkthrough gives help on its most error-prone steps');
    assert.deepEqual([...byLocale.ko!.entries()].sort(), [...byLocale.en!.entries()].sort());
  });
});
