/**
 * Step attributes as authors write them in MDX: the info string passes through Markdown first (CommonMark removes
 * a backslash before punctuation), so these tests parse real Markdown, not a bare info string.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import {unified} from 'unified';
import type {Root} from 'mdast';
import {extractSteps} from '../../src/remark/extract-steps';
import {matchOutput} from '../../src/core/steps/matcher';

function stepsOf(mdx: string) {
  const tree = unified().use(remarkParse).use(remarkMdx).parse(mdx) as Root;
  const {steps, errors} = extractSteps(tree, {});
  assert.deepEqual(errors, []);
  return steps.map((s) => s.spec);
}

const LOG = 'info access connection complete dst.workload="httpbin-6c6f4cb9dc-9bxnw" direction="inbound"';

test('single-quoted values are taken as written: double quotes inside need no escaping', () => {
  const [spec] = stepsOf('```bash step id=a expect=\'direction="inbound"\'\necho\n```\n');
  assert.deepEqual(spec!.expect, [{kind: 'contains', pattern: 'direction="inbound"'}]);
  assert.ok(matchOutput(spec!.expect[0]!, LOG).ok);
});

test('a doubled backslash reaches the regex as one (Markdown takes the first)', () => {
  const [spec] = stepsOf("```bash step id=a expect-regex='dst\\\\.workload=\"httpbin-'\necho\n```\n");
  assert.equal(spec!.expect[0]!.pattern, 'dst\\.workload="httpbin-');
  assert.ok(matchOutput(spec!.expect[0]!, LOG).ok);
  assert.ok(!matchOutput(spec!.expect[0]!, LOG.replace('dst.workload', 'dstXworkload')).ok, 'the dot is literal');
});

test('double-quoted JSON values: \\\\" in the source is an escaped quote', () => {
  const [spec] = stepsOf('```bash step id=a expect="say \\\\"hi\\\\""\necho\n```\n');
  assert.deepEqual(spec!.expect, [{kind: 'contains', pattern: 'say "hi"'}]);
});

test('an unclosed single quote is an authoring error naming the key', () => {
  const tree = unified().use(remarkParse).use(remarkMdx).parse("```bash step id=a expect='open\necho\n```\n") as Root;
  const {errors} = extractSteps(tree, {});
  assert.match(errors[0]?.message ?? '', /expect: the quoted value is not closed; end it with '/);
});
