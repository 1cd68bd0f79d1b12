/**
 * The pieces of the real-transcript comparison (tests/golden): the normaliser rule by rule, table re-flowing, the line
 * diff, the KNOWN-DIFFERENCES.md parser and the transcript file format.
 */
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {compareTranscript, prepare} from '../golden/compare';
import {diffLines} from '../golden/diff';
import {FixtureError, parseTranscript, type RealTranscript} from '../golden/fixtures';
import {KnownDifferencesError, parseKnownDifferences} from '../golden/known-differences';
import {isTableHeader, normaliseOutput, normaliseTokens, splitTable} from '../golden/normalise';

describe('normaliseTokens', () => {
  const cases: [string, string, string][] = [
    ['uuid', '"cd38105b-41ad-46de-9cae-d440d131d453"', '"<uuid>"'],
    ['timestamp (Envoy)', '[2025-04-01T07:36:47.565Z] "GET', '[<time>] "GET'],
    ['timestamp (ztunnel)', '2024-05-04T09:59:05.028709Z info', '<time> info'],
    [
      'timestamp (CRD)',
      'gateways.gateway.networking.k8s.io   2025-09-23T04:58:10Z',
      'gateways.gateway.networking.k8s.io   <time>',
    ],
    [
      'logrus elapsed',
      "INFO[0041] Cluster 'demo' created successfully!",
      "INFO[<t>] Cluster 'demo' created successfully!",
    ],
    ['ip', 'ADDRESS 10.43.241.18', 'ADDRESS <ip>'],
    ['cidr', '-A ISTIO_OUTPUT -s 127.0.0.6/32 -o lo', '-A ISTIO_OUTPUT -s <ip>/32 -o lo'],
    ['ip with a service port', 'dst.hbone_addr=10.42.2.4:8080', 'dst.hbone_addr=<ip>:8080'],
    ['ip with an ephemeral port', 'src.addr=10.42.1.5:40687', 'src.addr=<ip>:<port>'],
    ['istio port kept', 'dst.addr=10.42.2.4:15008', 'dst.addr=<ip>:15008'],
    ['deployment pod', 'istiod-55b74b77bd-xggqf', 'istiod-<rs>-<pod>'],
    ['deployment pod, short hash', 'details-v1-698d88b-krdw7', 'details-v1-<rs>-<pod>'],
    ['daemonset pod', 'pod/ztunnel-5m27h', 'pod/ztunnel-<id>'],
    ['svclb pod', 'svclb-traefik-782e295a-x2x9k', 'svclb-traefik-<uid>-<id>'],
    [
      'words with vowels are no suffix',
      'k3d-k3s-default-server-0 bar-2 istio-cni-node',
      'k3d-k3s-default-server-0 bar-2 istio-cni-node',
    ],
    [
      'ztunnel counters',
      'bytes_sent=517 bytes_recv=89 duration="3ms"',
      'bytes_sent=<n> bytes_recv=<n> duration="<ms>"',
    ],
    ['upstream service time', '< x-envoy-upstream-service-time: 113', '< x-envoy-upstream-service-time: <n>'],
    ['content length', 'content-length: 627', 'content-length: <n>'],
    ['proxy count', 'data plane version: 1.23.3 (46 proxies)', 'data plane version: <version> (<n> proxies)'],
    ['one proxy', '(1 proxy)', '(<n> proxies)'],
    ['pid', 'node=k3d-k3s-default-agent-0 pid=11198', 'node=k3d-k3s-default-agent-0 pid=<pid>'],
    ['semver', 'client version: 1.29.8', 'client version: <version>'],
    ['k3s version', 'k3s version v1.21.4-k3s1 (default)', 'k3s version <version> (default)'],
    ['node version', 'Ready <none> 44s v1.31.5+k3s1', 'Ready <none> 44s <version>'],
    ['pre-release', 'istiod 1.23-alpha.75c6eafc5bc8d160b5643c3ea18acb9785855564', 'istiod <version>'],
    ['user agent', '"curl/8.16.0"', '"curl/<version>"'],
    ['HTTP version kept', '"GET /hello HTTP/1.1" 200', '"GET /hello HTTP/1.1" 200'],
    ['minor alone kept', 'Istio 1.29 docs', 'Istio 1.29 docs'],
    ['long hex', 'Hash=20d7bd38024492e9018d3427f60e3515e80c252122ee88afb40127ab8e6774ed;', 'Hash=<hex>;'],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => assert.equal(normaliseTokens(input), expected));
  }

  it('Envoy access log: bytes, duration and upstream time, but not the status, flags or details', () => {
    const ok = normaliseTokens(
      '[2026-10-09T11:44:22.954Z] "GET /anything HTTP/1.1" 200 - via_upstream - "-" 0 429 4 2 "-" "curl/8.11.1"',
    );
    assert.equal(ok, '[<time>] "GET /anything HTTP/1.1" 200 - via_upstream - "-" <n> <n> <n> <n> "-" "curl/<version>"');
    const denied = normaliseTokens(
      '[2026-10-09T11:44:23.028Z] "POST /anything HTTP/1.1" 403 - rbac_access_denied_matched_policy[none] - "-" 0 19 0 - "-"',
    );
    assert.equal(
      denied,
      '[<time>] "POST /anything HTTP/1.1" 403 - rbac_access_denied_matched_policy[none] - "-" <n> <n> <n> - "-"',
    );
  });
});

describe('tables', () => {
  it('recognises headers, not other upper-case text', () => {
    assert.ok(isTableHeader('NAME                       STATUS   ROLES   AGE   VERSION'));
    assert.ok(isTableHeader('NAMESPACE POD NAME ADDRESS NODE WAYPOINT PROTOCOL'));
    assert.ok(isTableHeader('NAME   TYPE   CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE'));
    assert.ok(!isTableHeader('INFO[0000] Prep: Network'));
    assert.ok(!isTableHeader('HTTP/1.1 200 OK'));
    assert.ok(!isTableHeader('RBAC: access denied'));
    assert.ok(!isTableHeader('-P PREROUTING ACCEPT'));
  });

  it('splits columns where the header starts a word after a blank column, keeping empty cells', () => {
    // tabwriter with padding 1, as istioctl ztunnel-config prints
    const line = (cells: string[]) =>
      cells
        .map((c, i) => c.padEnd([10, 27, 10, 9, 0][i]!))
        .join('')
        .trimEnd();
    const rows = splitTable([
      line(['NAMESPACE', 'POD NAME', 'ADDRESS', 'WAYPOINT', 'PROTOCOL']),
      line(['default', 'helloworld-v1-5c87f9fd95-x', '10.42.4.4', 'None', 'HBONE']),
      line(['default', 'waypoint-6f7b665c89-6hppr', '10.42.2.9', '', 'TCP']),
    ]);
    assert.deepEqual(rows, [
      ['NAMESPACE', 'POD NAME', 'ADDRESS', 'WAYPOINT', 'PROTOCOL'],
      ['default', 'helloworld-v1-5c87f9fd95-x', '10.42.4.4', 'None', 'HBONE'],
      ['default', 'waypoint-6f7b665c89-6hppr', '10.42.2.9', '', 'TCP'],
    ]);
  });

  it('column widths, ages and names do not matter; values do', () => {
    const real = normaliseOutput(
      'NAME                      READY   STATUS    RESTARTS   AGE\nistiod-86849665c6-87lvg   1/1     Running   0          2m17s\n',
    );
    const sandbox = normaliseOutput(
      'NAME                      READY   STATUS    RESTARTS   AGE\nistiod-6ccdc6f5cb-2vp5x   1/1     Running   0          1s\n',
    );
    assert.deepEqual(real, sandbox);
    assert.deepEqual(real, ['NAME  READY  STATUS  RESTARTS  AGE', 'istiod-<rs>-<pod>  1/1  Running  0  <age>']);
    assert.notDeepEqual(normaliseOutput('NAME   READY\nx-y    1/1\n'), normaliseOutput('NAME   READY\nx-y    0/1\n'));
  });

  it('PID and TIME columns are counters', () => {
    assert.deepEqual(
      normaliseOutput('PID   USER     TIME  COMMAND\n4711  root      0:02 /usr/local/bin/pilot-agent proxy sidecar\n'),
      ['PID  USER  TIME  COMMAND', '<n>  root  <n>  /usr/local/bin/pilot-agent proxy sidecar'],
    );
  });

  it('a new header starts a new table; a blank line ends one', () => {
    const out = normaliseOutput('NAME   SERVERS\nk3s    1/1\nCURRENT   NAME\n*         k3d\n\nplain   text\n');
    assert.deepEqual(out, ['NAME  SERVERS', 'k3s  1/1', 'CURRENT  NAME', '*  k3d', '', 'plain text']);
  });
});

describe('normaliseOutput', () => {
  it('removes ANSI codes, CRs and trailing blanks, collapses blank runs but keeps indentation', () => {
    assert.deepEqual(normaliseOutput('\x1b[32m✔\x1b[0m done   \r\n  To get  started\tnow\n\n'), [
      '✔ done',
      '  To get started now',
    ]);
  });
});

describe('diffLines', () => {
  it('finds no hunk in equal outputs', () => assert.deepEqual(diffLines(['a', 'b'], ['a', 'b']), []));
  it('groups a changed run into one hunk, real lines first', () => {
    assert.deepEqual(diffLines(['a', 'x', 'y', 'b'], ['a', 'z', 'b']), [{real: ['x', 'y'], sandbox: ['z']}]);
  });
  it('reports lines only one side prints', () => {
    assert.deepEqual(diffLines(['a', 'b'], ['a', 'b', 'c']), [{real: [], sandbox: ['c']}]);
    assert.deepEqual(diffLines(['w', 'a'], ['a']), [{real: ['w'], sandbox: []}]);
  });
  it('separates hunks around common lines', () => {
    assert.deepEqual(diffLines(['1', 'a', '2'], ['3', 'a', '4']), [
      {real: ['1'], sandbox: ['3']},
      {real: ['2'], sandbox: ['4']},
    ]);
  });
});

const KNOWN = `# Known differences

### some-transcript: a flag differs
- **fix:** sandbox
- **why:** because.

\`\`\`diff
- real line
+ sandbox line
\`\`\`

### other: two hunks
- **fix:** none

\`\`\`diff
- only real
\`\`\`

\`\`\`diff
+ only sandbox
\`\`\`

## Notes

\`\`\`text
not parsed
\`\`\`
`;

describe('parseKnownDifferences', () => {
  it('reads each diff block as a hunk of its entry', () => {
    const k = parseKnownDifferences(KNOWN);
    assert.deepEqual(
      k.map((d) => [d.transcript, d.fix, d.hunk.real, d.hunk.sandbox]),
      [
        ['some-transcript', 'sandbox', ['real line'], ['sandbox line']],
        ['other', 'none', ['only real'], []],
        ['other', 'none', [], ['only sandbox']],
      ],
    );
    assert.equal(k[0]!.line, 7);
  });

  it('rejects a diff block without an entry, without a fix, or with a stray line', () => {
    assert.throws(() => parseKnownDifferences('```diff\n- x\n```\n'), KnownDifferencesError);
    assert.throws(() => parseKnownDifferences('### a: t\n\n```diff\n- x\n```\n'), /needs a "- \*\*fix:\*\*/);
    assert.throws(
      () => parseKnownDifferences('### a: t\n- **fix:** page\n```diff\n  x\n```\n'),
      /starts with "- " \(real\) or "\+ " \(sandbox\)/,
    );
    assert.throws(
      () => parseKnownDifferences('### a: t\n- **fix:** page\n```diff\n+ x\n- y\n```\n'),
      /real \(-\) lines before/,
    );
  });
});

const FIXTURE = `---
id: sample
command: "kubectl get gtw waypoint"
source:
  url: "https://example.org/thread"
versions:
  istio: "1.29.6"
steps: [sample-apps/waypoint-programmed]
sandbox:
  scenario: "walkthrough"
  at: "sample-apps/waypoint-programmed"
---
NAME       CLASS            ADDRESS       PROGRAMMED   AGE
waypoint   istio-waypoint   10.96.58.95   True         42s
`;

describe('parseTranscript', () => {
  it('reads the header and keeps the output verbatim', () => {
    const t = parseTranscript('/x/sample.txt', FIXTURE);
    assert.equal(t.command, 'kubectl get gtw waypoint');
    assert.deepEqual(t.steps, ['sample-apps/waypoint-programmed']);
    assert.equal(
      t.output,
      'NAME       CLASS            ADDRESS       PROGRAMMED   AGE\nwaypoint   istio-waypoint   10.96.58.95   True         42s\n',
    );
  });

  it('rejects a file whose id is not its name, a source without provenance, a bad regex', () => {
    assert.throws(() => parseTranscript('/x/other.txt', FIXTURE), /must match the file name/);
    assert.throws(
      () => parseTranscript('/x/sample.txt', FIXTURE.replace('  url: "https://example.org/thread"\n', '  note: "x"\n')),
      FixtureError,
    );
    assert.throws(
      () => parseTranscript('/x/sample.txt', FIXTURE.replace('  at:', '  select: "("\n  at:')),
      /sandbox.select is not a regular expression/,
    );
  });
});

describe('compareTranscript', () => {
  const t: RealTranscript = parseTranscript('/x/sample.txt', FIXTURE);
  const sandbox =
    'NAME       CLASS            ADDRESS         PROGRAMMED   AGE\nwaypoint   istio-waypoint   10.43.113.232   False        2s\n';

  it('a difference that is not listed is unexpected', () => {
    const c = compareTranscript(t, sandbox, []);
    assert.deepEqual(c.unexpected, [
      {
        real: ['waypoint  istio-waypoint  <ip>  True  <age>'],
        sandbox: ['waypoint  istio-waypoint  <ip>  False  <age>'],
      },
    ]);
  });

  it('a listed difference is expected; a listed one that does not occur is stale', () => {
    const hunk = {
      real: ['waypoint  istio-waypoint  <ip>  True  <age>'],
      sandbox: ['waypoint  istio-waypoint  <ip>  False  <age>'],
    };
    const listed = {transcript: 'sample', title: 't', fix: 'sandbox', hunk, line: 1};
    assert.deepEqual(compareTranscript(t, sandbox, [listed]).unexpected, []);
    const fixed = compareTranscript(t, sandbox.replace('False', 'True '), [listed]);
    assert.deepEqual(fixed.unexpected, []);
    assert.equal(fixed.stale.length, 1);
  });

  it('select, ignore and unordered narrow both sides the same way', () => {
    assert.deepEqual(prepare('b 1\na 2\nc 3\n', {ignore: ' \\d$', select: '^[ab]$', unordered: '.'}), ['a', 'b']);
  });
});
