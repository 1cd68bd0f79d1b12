/**
 * The steps remark plugin, fixture in / snapshot out (as docusaurus-remark-plugin-npm2yarn tests itself):
 * tests/fixtures/remark/<name>.mdx -> <name>.expected.mdx (the MDX the site compiles) and
 * <name>.expected.json (the manifest). Run with UPDATE_SNAPSHOTS=1 to rewrite the expected files after an
 * intended change, then review the diff.
 */
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, copyFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, describe, it} from 'node:test';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import remarkStringify from 'remark-stringify';
import {unified} from 'unified';
import {VFile} from 'vfile';
import {loadManifests, ManifestError} from '../../server/manifests/load';
import {pageRefOf} from '../../src/remark/page-ref';
import stepsPlugin from '../../src/remark/steps-plugin';
import {splitFrontMatter} from '../fixtures/front-matter';
import {buildManifests} from '../fixtures/site-manifests';

const FIXTURES = join(import.meta.dirname, '../fixtures/remark');
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';
const work = mkdtempSync(join(tmpdir(), 'remark-steps-'));
after(() => rmSync(work, {recursive: true, force: true}));

/** Compiles a fixture as the Docusaurus docs plugin would, as if it lived at `<site>/<relPath>`. */
async function transform(fixture: string, relPath: string, manifestDir?: string): Promise<string> {
  const {data, body} = splitFrontMatter(readFileSync(join(FIXTURES, fixture), 'utf8'));
  const file = new VFile({path: join(work, 'site', relPath), value: body, data: {frontMatter: data}});
  const result = await unified()
    .use(remarkParse)
    .use(remarkMdx)
    .use(stepsPlugin, {siteDir: join(work, 'site'), ...(manifestDir ? {manifestDir} : {})})
    .use(remarkStringify)
    .process(file);
  return String(result);
}

function snapshot(name: string, actual: string): void {
  const path = join(FIXTURES, name);
  if (UPDATE || !existsSync(path)) {
    writeFileSync(path, actual);
    if (!UPDATE) assert.fail(`wrote the missing snapshot ${name}; review it and run again`);
    return;
  }
  assert.equal(actual, readFileSync(path, 'utf8'), `${name} differs (UPDATE_SNAPSHOTS=1 rewrites it)`);
}

describe('steps remark plugin', () => {
  it('replaces step blocks and their expect blocks with <Step> and writes the manifest', async () => {
    const manifestDir = join(work, 'manifests');
    const mdx = await transform('basic.mdx', 'docs/basic.mdx', manifestDir);
    snapshot('basic.expected.mdx', mdx);
    const manifest = readFileSync(join(manifestDir, 'en', 'basic.json'), 'utf8');
    snapshot('basic.expected.json', manifest);
    assert.doesNotMatch(mdx, /```bash step/);
    assert.match(mdx, /```bash\necho not a step\n```/, 'plain code blocks stay');
  });

  it('uses the same page id and manifest for the Korean copy', async () => {
    const manifestDir = join(work, 'manifests-ko');
    await transform('basic.mdx', 'i18n/ko/docusaurus-plugin-content-docs/current/basic.mdx', manifestDir);
    const ko = JSON.parse(readFileSync(join(manifestDir, 'ko', 'basic.json'), 'utf8'));
    const en = JSON.parse(readFileSync(join(FIXTURES, 'basic.expected.json'), 'utf8'));
    assert.equal(ko.locale, 'ko');
    assert.equal(ko.pageId, 'basic');
    assert.deepEqual(ko.steps, en.steps);
  });

  it('leaves pages without steps unchanged', async () => {
    const mdx = await transform('no-steps.md', 'docs/no-steps.md');
    assert.equal(mdx, readFileSync(join(FIXTURES, 'no-steps.md'), 'utf8'));
  });

  it('fails the build listing every bad step with file:line and what to write', async () => {
    await assert.rejects(transform('bad-metadata.mdx', 'docs/bad.mdx'), (error: Error) => {
      const lines = error.message.split('\n').slice(1);
      assert.deepEqual(
        lines.map((line) => line.replace(/: .*/, '')),
        [
          'docs/bad.mdx:3',
          'docs/bad.mdx:11',
          'docs/bad.mdx:15',
          'docs/bad.mdx:19',
          'docs/bad.mdx:23',
          'docs/bad.mdx:29',
        ],
      );
      assert.match(lines[0]!, /missing id: every step needs one/);
      assert.match(lines[1]!, /duplicate step id "ok-step" \(first used on line 7\)/);
      assert.match(lines[2]!, /timeout=forever is not a duration: write e\.g\. timeout=30s/);
      assert.match(lines[3]!, /unknown key "expected": use one of/);
      assert.match(lines[4]!, /expect-regex: invalid regular expression/);
      assert.match(lines[5]!, /must come right after a step block/);
      return true;
    });
  });

  it('derives page ids like Docusaurus', () => {
    assert.deepEqual(pageRefOf('docs/before-you-begin.mdx'), {locale: 'en', pageId: 'before-you-begin'});
    assert.deepEqual(pageRefOf('i18n/ko/docusaurus-plugin-content-docs/current/before-you-begin.mdx'), {
      locale: 'ko',
      pageId: 'before-you-begin',
    });
    assert.deepEqual(pageRefOf('docs/02-mesh/01-waypoints.md'), {locale: 'en', pageId: 'mesh/waypoints'});
    assert.deepEqual(pageRefOf('docs/setup.mdx', 'custom-id'), {locale: 'en', pageId: 'custom-id'});
    assert.equal(pageRefOf('src/pages/index.mdx'), null);
  });
});

describe('manifest loader (what the server and lab run read)', () => {
  it('reads exactly the manifests the plugin wrote, in sidebar order', async () => {
    const root = join(work, 'repo');
    mkdirSync(join(root, 'docs'), {recursive: true});
    copyFileSync(join(FIXTURES, 'basic.mdx'), join(root, 'docs', 'basic.mdx'));
    copyFileSync(join(FIXTURES, 'no-steps.md'), join(root, 'docs', 'a-no-steps.md'));
    const manifests = await buildManifests(root, join(root, 'manifests'));
    const expected = JSON.parse(readFileSync(join(FIXTURES, 'basic.expected.json'), 'utf8'));
    assert.deepEqual(manifests.get('en', 'basic'), {...expected, source: 'docs/basic.mdx'});
    // sidebar_position 2 comes before a page without one
    assert.deepEqual(
      manifests.pages('en').map((page) => page.pageId),
      ['basic', 'a-no-steps'],
    );
    assert.deepEqual(manifests.pages('ko'), []);
  });

  it('leaves out the manifest of a page deleted since the build', async () => {
    const root = join(work, 'repo-deleted');
    mkdirSync(join(root, 'docs'), {recursive: true});
    copyFileSync(join(FIXTURES, 'basic.mdx'), join(root, 'docs', 'basic.mdx'));
    copyFileSync(join(FIXTURES, 'no-steps.md'), join(root, 'docs', 'gone.md'));
    await buildManifests(root, join(root, 'manifests'));
    rmSync(join(root, 'docs', 'gone.md'));
    const manifests = await loadManifests(join(root, 'manifests'), root);
    assert.deepEqual(
      manifests.pages('en').map((page) => page.pageId),
      ['basic'],
    );
  });

  it('says to build the site when there are no manifests, and names a bad one', async () => {
    await assert.rejects(loadManifests(join(work, 'nothing-here')), (error: Error) => {
      assert.ok(error instanceof ManifestError);
      assert.match(error.message, /no step manifests in .*nothing-here: .*npm run lab -- build/);
      return true;
    });
    const dir = join(work, 'bad-manifests');
    mkdirSync(join(dir, 'en'), {recursive: true});
    writeFileSync(join(dir, 'en', 'p.json'), JSON.stringify({pageId: 'p', locale: 'en', title: 'p', steps: []}));
    await assert.rejects(loadManifests(dir), /en\/p\.json: not a step manifest \(source: .*\); rebuild the site/);
  });
});
