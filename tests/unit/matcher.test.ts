import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {evaluateChecks} from '../../src/core/steps/checks';
import {
  matchContains,
  matchLike,
  matchNotContains,
  matchOutput,
  matchRegex,
  normalizeOutput,
  tokenLike,
} from '../../src/core/steps/matcher';

const PODS_DOC = `
NAMESPACE      NAME                                      READY   STATUS    RESTARTS   AGE
kube-system    coredns-ccb96694c-7xqvd                   1/1     Running   0          5m12s
kube-system    local-path-provisioner-5cf85fd84d-p2kcd   1/1     Running   0          5m12s
kube-system    metrics-server-5985cbc9d7-lnx9j           1/1     Running   0          5m12s
istio-system   istio-cni-node-4xk2m                      1/1     Running   0          2m3s
istio-system   istiod-55b74b77bd-xggqf                   1/1     Running   0          2m10s
istio-system   ztunnel-8hq7d                             1/1     Running   0          2m
`;

// Another run: other hashes, ages, column widths, colours and CRLF line ends.
const PODS_RUN =
  [
    'NAMESPACE      NAME                                       READY   STATUS    RESTARTS   AGE   ',
    'kube-system    coredns-7b98449c4-zz2lp                    1/1     Running   0          47s',
    'kube-system    local-path-provisioner-6795b5f9d8-9wq6t    1/1     Running   0          47s',
    'kube-system    metrics-server-cdcc87586-tkc5r             1/1     Running   0          47s',
    'istio-system   istio-cni-node-j9x2p                       1/1     Running   0          20s',
    'istio-system   istiod-5f4c75464f-gskxf                    1/1     \x1b[32mRunning\x1b[0m   0          1d2h',
    'istio-system   ztunnel-q8v4n                              1/1     Running   0          <invalid>',
  ].join('\r\n') + '\r\n';

describe('normalizeOutput', () => {
  it('strips ANSI, OSC, \\r and trailing whitespace', () => {
    assert.equal(normalizeOutput('\x1b]133;C\x07a  \r\n\x1b[1mb\x1b[0m\t\r\n\r\n'), 'a\nb');
  });
});

describe('like (istio.io _verify_like)', () => {
  it('matches a kubectl get pods -A table from another run', () => {
    assert.deepEqual(matchLike(PODS_DOC, PODS_RUN), {ok: true, message: 'output is like the expected output'});
  });

  it('tolerates pod-name hashes but not other names', () => {
    assert.ok(tokenLike('istiod-55b74b77bd-xggqf', 'istiod-5f4c75464f-gskxf'));
    assert.ok(tokenLike('ztunnel-8hq7d', 'ztunnel-q8v4n'));
    assert.ok(tokenLike('pod/sleep-7656cf8794-8fhdk', 'pod/sleep-6d68f49858-2hx8m'));
    assert.ok(tokenLike('deployment.apps/istiod-abc', 'deployment.apps/istiod-xyz'));
    assert.ok(!tokenLike('istiod-55b74b77bd-xggqf', 'ztunnel-8hq7d'));
    assert.ok(!tokenLike('istiod-55b74b77bd-xggqf', 'istiod-5f4c75464f'), 'different number of generated segments');
    assert.ok(!tokenLike('namespace/foo', 'namespace/bar'));
    assert.ok(
      !tokenLike('bookinfo-gateway-istio.default.svc.cluster.local', 'bookinfo-gateway-istio.other.svc.cluster.local'),
    );
    assert.ok(!tokenLike('Running', 'Pending'));
    assert.ok(!tokenLike('1/1', '0/1'));
  });

  it('tolerates IPs, ages, versions, dates and times', () => {
    assert.ok(tokenLike('10.42.0.5', '10.43.128.17'));
    assert.ok(tokenLike('10.42.0.5:15008', '10.42.1.9:15008'));
    assert.ok(tokenLike('5m10s', '2d3h'));
    assert.ok(tokenLike('47s', '<invalid>'));
    assert.ok(tokenLike('1.27.1', '1.28.0'));
    assert.ok(tokenLike('v1.31.5+k3s1', 'v1.32.1+k3s2'));
    assert.ok(tokenLike('2024-01-31', '2026-11-24'));
    assert.ok(tokenLike('12:01:02.123', '23:59:59.9'));
    assert.ok(!tokenLike('10.42.0.5', '5m'));
    assert.ok(!tokenLike('10.42.0.5', '<pending>'));
    assert.ok(tokenLike('10.42.0.5', '<pending>', {matchIpPending: true}));
    assert.ok(tokenLike('10.42.0.5', '<none>', {matchIpNone: true}));
  });

  it('treats a `...` token as a wildcard', () => {
    assert.ok(matchLike('Client Version: ...', 'Client Version: v1.31.0-dirty').ok);
    assert.ok(!matchLike('Client Version: ...', 'Client Version: v1 extra').ok);
  });

  it('treats a `...` line as any run of lines, including none', () => {
    const expected = 'NAME READY\n...\nistiod-abc-def 1/1\n...';
    assert.ok(matchLike(expected, 'NAME   READY\nistiod-123-456   1/1').ok);
    assert.ok(matchLike(expected, 'NAME READY\na 1/1\nb 1/1\nistiod-x1-y2 1/1\nc 1/1').ok);
    const missing = matchLike(expected, 'NAME READY\na 1/1');
    assert.equal(missing.ok, false);
    assert.match(missing.message, /expected line 3 "istiod-abc-def 1\/1".*not found/);
    assert.ok(matchLike('...\nlast line', 'a\nb\nlast line').ok);
    assert.equal(matchLike('...\nlast line', 'a\nb\nnot last').ok, false);
  });

  it('explains the first differing token with its line number', () => {
    const result = matchLike(
      PODS_DOC,
      PODS_RUN.replace('0          47s\r\nkube-system    metrics', '3          47s\r\nkube-system    metrics'),
    );
    assert.equal(result.ok, false);
    assert.match(result.message, /^line 3: token 5: expected "0", got "3"/);
    assert.match(result.message, /expected: kube-system +local-path/);
  });

  it('fails on a different number of tokens or lines', () => {
    const tokens = matchLike('a b c', 'a b');
    assert.equal(tokens.ok, false);
    assert.match(tokens.message, /line 1: expected 3 tokens, got 2/);
    const lines = matchLike('a\nb', 'a\nb\nc');
    assert.equal(lines.ok, false);
    assert.match(lines.message, /expected 2 lines, got 3 \(first extra line 3: c\)/);
    assert.match(matchLike('a\nb\nc', 'a').message, /missing from line 2: b/);
  });

  it('ignores leading whitespace and blank lines at the edges', () => {
    assert.ok(matchLike('\n  namespace/foo created\n', 'namespace/foo created\n\n').ok);
  });

  it('matches namespace names exactly (the walkthrough bug: foo printed for bar-1)', () => {
    assert.equal(matchLike('namespace/bar-1 created', 'namespace/foo created').ok, false);
  });
});

describe('contains, not-contains, regex', () => {
  it('finds a multi-line block only when contiguous', () => {
    assert.ok(matchContains('b\nc', 'a\nb  \r\nc\nd').ok);
    const result = matchContains('b\nd', 'a\nb\nc\nd');
    assert.equal(result.ok, false);
    assert.match(result.message, /does not contain/);
    assert.match(matchContains('a\nzzz', 'a\nb').message, /line 2 "zzz" is missing/);
  });

  it('reports where unwanted text appears', () => {
    assert.ok(matchNotContains('error', 'all good').ok);
    const result = matchNotContains('Error', 'ok\nError: boom');
    assert.equal(result.ok, false);
    assert.match(result.message, /at line 2/);
  });

  it('uses multiline regular expressions', () => {
    assert.ok(matchRegex('^Client Version: v\\d+\\.\\d+', 'x\nClient Version: v1.31.0').ok);
    assert.equal(matchRegex('^Server', 'Client').ok, false);
    assert.equal(matchRegex('(', 'x').ok, false);
  });

  it('dispatches on the check kind', () => {
    assert.ok(matchOutput({kind: 'like', pattern: 'pod/a-1b2c created'}, 'pod/a-9z8y created').ok);
    assert.equal(matchOutput({kind: 'not-contains', pattern: 'x'}, 'x').ok, false);
  });
});

describe('evaluateChecks', () => {
  const finished = (exitCode: number, output: string) => ({exitCode, output});

  it('checks the exit code first', () => {
    const failure = evaluateChecks({exitCode: 0, expect: [{kind: 'contains', pattern: 'nope'}]}, finished(2, 'boom\n'));
    assert.deepEqual(failure, {check: 'exit code', expected: '0', actual: '2\nboom'});
  });

  it('accepts any exit code when null', () => {
    assert.equal(evaluateChecks({exitCode: null, expect: []}, finished(3, '')), null);
  });

  it('names the first failing output check with expected and actual', () => {
    const failure = evaluateChecks(
      {
        exitCode: 0,
        expect: [
          {kind: 'contains', pattern: 'hello'},
          {kind: 'like', pattern: 'pod Running'},
        ],
      },
      finished(0, 'hello\npod Pending\n'),
    );
    assert.equal(failure?.check, 'output like');
    assert.equal(failure?.expected, 'pod Running');
    assert.match(failure?.actual ?? '', /^hello\npod Pending\n\n\[first difference\] line 1: expected 2 tokens, got 1/);
  });

  it('passes when everything holds', () => {
    assert.equal(
      evaluateChecks({exitCode: 0, expect: [{kind: 'regex', pattern: 'h.llo'}]}, finished(0, 'hello')),
      null,
    );
  });
});
