import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {
  isStepBlock,
  parseDuration,
  parseExpectBlockMeta,
  parseStepMeta,
  StepMetaError,
  tokenizeMeta,
} from '../../src/core/steps/meta';

describe('step info string', () => {
  it('parses id, timeout, exit and repeatable checks', () => {
    const spec = parseStepMeta(
      'bash',
      'step id=kubectl-client timeout=30s expect="Client Version: v" expect-not=error expect-regex="v\\\\d+" exit=any',
      'kubectl version --client\n',
    );
    assert.deepEqual(spec, {
      id: 'kubectl-client',
      lang: 'bash',
      command: 'kubectl version --client',
      timeoutMs: 30_000,
      exitCode: null,
      expect: [
        {kind: 'contains', pattern: 'Client Version: v'},
        {kind: 'not-contains', pattern: 'error'},
        {kind: 'regex', pattern: 'v\\d+'},
      ],
    });
  });

  it('applies defaults: 60s, exit 0, no checks', () => {
    const spec = parseStepMeta('sh', 'step id=a', 'true');
    assert.equal(spec.timeoutMs, 60_000);
    assert.equal(spec.exitCode, 0);
    assert.deepEqual(spec.expect, []);
    assert.equal(spec.verify, undefined);
  });

  it('builds a verify spec with its own checks', () => {
    const spec = parseStepMeta(
      'bash',
      'step id=wait-pods verify="kubectl get pods -n istio-system" verify-expect-like="istiod-abc-def 1/1 Running 0 ..." verify-expect="Running" verify-timeout=2m verify-exit=0',
      'kubectl apply -f x.yaml',
    );
    assert.deepEqual(spec.verify, {
      command: 'kubectl get pods -n istio-system',
      exitCode: 0,
      expect: [
        {kind: 'like', pattern: 'istiod-abc-def 1/1 Running 0 ...'},
        {kind: 'contains', pattern: 'Running'},
      ],
      timeoutMs: 120_000,
    });
  });

  it('accepts JSON escapes in quoted values', () => {
    const pairs = tokenizeMeta('expect="a \\"quoted\\" word\\nnext line" id=x');
    assert.deepEqual(pairs, [
      {key: 'expect', value: 'a "quoted" word\nnext line'},
      {key: 'id', value: 'x'},
    ]);
  });

  it('parses durations', () => {
    assert.equal(parseDuration('30s'), 30_000);
    assert.equal(parseDuration('2m'), 120_000);
    assert.equal(parseDuration('1m30s'), 90_000);
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('1h'), 3_600_000);
    assert.equal(parseDuration('30'), null);
    assert.equal(parseDuration('soon'), null);
    assert.equal(parseDuration(''), null);
  });

  it('recognises step blocks and expect blocks', () => {
    assert.equal(isStepBlock('step id=a'), true);
    assert.equal(isStepBlock('step'), true);
    assert.equal(isStepBlock('steps id=a'), false);
    assert.equal(isStepBlock(null), false);
    assert.equal(parseExpectBlockMeta('text', 'expect'), 'like');
    assert.equal(parseExpectBlockMeta('text', 'expect=like'), 'like');
    assert.equal(parseExpectBlockMeta('text', 'expect=contains'), 'contains');
    assert.equal(parseExpectBlockMeta('text', null), null);
    assert.equal(parseExpectBlockMeta('bash', 'expect'), null);
    assert.throws(() => parseExpectBlockMeta('text', 'expect=exact'), /write `text expect`/);
  });

  const bad: [string, string, RegExp][] = [
    ['missing id', 'step timeout=30s', /missing id.*id=/],
    ['bad id', 'step id=Install_Istio', /lower-case words joined by -/],
    ['unknown key', 'step id=a expected=foo', /unknown key "expected": use one of id, timeout/],
    ['bad duration', 'step id=a timeout=30', /timeout=30 is not a duration: write e\.g\. timeout=30s/],
    ['bad exit', 'step id=a exit=ok', /exit=ok is not an exit code.*exit=any/],
    ['invalid regex', 'step id=a expect-regex="(unclosed"', /expect-regex: invalid regular expression/],
    ['unclosed quote', 'step id=a expect="open', /not closed/],
    ['key twice', 'step id=a id=b', /id is given twice/],
    ['no value', 'step id', /"id" has no value: write id=value/],
    ['verify option without verify', 'step id=a verify-expect=x', /need a verify command/],
    ['empty pattern', 'step id=a expect=""', /pattern is empty/],
  ];
  for (const [name, meta, message] of bad) {
    it(`rejects ${name} with a message saying what to write`, () => {
      assert.throws(
        () => parseStepMeta('bash', meta, 'true'),
        (error: unknown) => {
          assert.ok(error instanceof StepMetaError);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }

  it('rejects an empty command', () => {
    assert.throws(() => parseStepMeta('bash', 'step id=a', '  \n'), /no command/);
  });
});
