/**
 * Pinned versions (src/core/versions.ts) and their placeholders in steps (src/remark/extract-steps.ts): the page,
 * the manifest and the runner see real values; overrides come from LAB_VERSION_*; unknown placeholders are errors.
 */
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {describe, it} from 'node:test';
import type {Root} from 'mdast';
import remarkMdx from 'remark-mdx';
import remarkParse from 'remark-parse';
import remarkStringify from 'remark-stringify';
import {unified} from 'unified';
import {VFile} from 'vfile';
import {
  DEFAULT_VERSIONS,
  VERSION_INFO,
  VERSION_KEYS,
  VersionOverrideError,
  k3sCniBinDir,
  k3sImage,
  resolveVersions,
  substituteVersions,
  versionProblems,
} from '../../src/core/versions';
import {extractSteps} from '../../src/remark/extract-steps';
import stepsPlugin from '../../src/remark/steps-plugin';
import {K3S_VERSION, versionInfo} from '../../server/backends/sandbox/versions';

const REPO = join(import.meta.dirname, '../..');
const parse = (mdx: string): Root => unified().use(remarkParse).use(remarkMdx).parse(mdx);
const versions = resolveVersions({});

describe('pinned versions', () => {
  it('has a value, a reason and an override pattern the default passes, for every key', () => {
    for (const key of VERSION_KEYS) {
      assert.ok(DEFAULT_VERSIONS[key], key);
      assert.ok(VERSION_INFO[key].reason.length > 10, `${key} needs a reason`);
      assert.match(DEFAULT_VERSIONS[key], VERSION_INFO[key].pattern, key);
    }
  });

  it('is a consistent set: Istio supports the k3s version, kubectl is within skew, the image matches k3s', () => {
    assert.deepEqual(versionProblems(DEFAULT_VERSIONS), []);
    assert.equal(DEFAULT_VERSIONS.K3S_IMAGE, k3sImage(DEFAULT_VERSIONS.K3S));
  });

  it('is the k3s version the sandbox serves (its /version document derives from the pin)', () => {
    assert.equal(K3S_VERSION, DEFAULT_VERSIONS.K3S);
    assert.equal(versionInfo().gitVersion, DEFAULT_VERSIONS.K3S);
    assert.equal(versionInfo().minor, /^v1\.(\d+)\./.exec(DEFAULT_VERSIONS.K3S)?.[1]);
  });

  it('flags an Istio that is too new for the cluster', () => {
    const problems = versionProblems(resolveVersions({LAB_VERSION_ISTIO: '1.31.1'}));
    assert.match(problems[0] ?? '', /Istio 1\.31\.1 needs Kubernetes 1\.32 or newer; k3s v1\.31\.5\+k3s1 is 1\.31/);
  });
});

describe('resolveVersions', () => {
  it('returns the defaults without overrides, and ignores unrelated or empty variables', () => {
    assert.deepEqual(resolveVersions({PATH: '/bin', LAB_VERSION_ISTIO: ''}), DEFAULT_VERSIONS);
  });

  it('applies LAB_VERSION_* overrides and moves derived values with their base', () => {
    const v = resolveVersions({
      LAB_VERSION_ISTIO: '1.31.1',
      LAB_VERSION_K3S: 'v1.33.6+k3s1',
      LAB_VERSION_ARGOCD: 'stable',
    });
    assert.equal(v.ISTIO, '1.31.1');
    assert.equal(v.ISTIO_MINOR, '1.31');
    assert.equal(v.K3S_IMAGE, 'rancher/k3s:v1.33.6-k3s1');
    assert.equal(v.K3S_CNI_BIN_DIR, '/var/lib/rancher/k3s/data/cni', 'k3s 1.33 keeps CNI plugins in its data dir');
    assert.equal(v.ARGOCD, 'stable');
    assert.equal(v.GATEWAY_API, DEFAULT_VERSIONS.GATEWAY_API);
    assert.deepEqual(versionProblems(v), [
      `kubectl ${DEFAULT_VERSIONS.KUBECTL} is more than one minor away from k3s v1.33.6+k3s1`,
    ]);
  });

  it("knows where each k3s keeps its CNI plugins (k3d-io/k3d#1572: containerd's bin_dir moved in v1.31.7 / v1.32.3)", () => {
    assert.equal(k3sCniBinDir('v1.31.5+k3s1'), '/bin');
    assert.equal(k3sCniBinDir('v1.31.6+k3s1'), '/bin');
    assert.equal(k3sCniBinDir('v1.31.7+k3s1'), '/var/lib/rancher/k3s/data/cni');
    assert.equal(k3sCniBinDir('v1.32.2+k3s1'), '/bin');
    assert.equal(k3sCniBinDir('v1.32.3+k3s1'), '/var/lib/rancher/k3s/data/cni');
    assert.equal(k3sCniBinDir('v1.35.5+k3s1'), '/var/lib/rancher/k3s/data/cni');
    assert.equal(k3sCniBinDir('v1.30.4+k3s1'), '/bin');
    assert.deepEqual(
      versionProblems(resolveVersions({LAB_VERSION_K3S: 'v1.32.3+k3s1', LAB_VERSION_K3S_CNI_BIN_DIR: '/bin'})).filter(
        (p) => p.includes('CNI'),
      ),
      [
        'k3s v1.32.3+k3s1 keeps CNI plugins in /var/lib/rancher/k3s/data/cni, not /bin: istio-cni would install where containerd does not look',
      ],
    );
  });

  it('keeps an explicit override of a derived value', () => {
    assert.equal(
      resolveVersions({LAB_VERSION_K3S: 'v1.33.6+k3s1', LAB_VERSION_K3S_IMAGE: 'mirror.local/k3s:v1.33.6-k3s1'})
        .K3S_IMAGE,
      'mirror.local/k3s:v1.33.6-k3s1',
    );
  });

  it('rejects an override that is not a version, naming the variable', () => {
    assert.throws(
      () => resolveVersions({LAB_VERSION_ISTIO: 'latest'}),
      (error: Error) => {
        assert.ok(error instanceof VersionOverrideError);
        assert.match(error.message, /^LAB_VERSION_ISTIO="latest" does not look like/);
        return true;
      },
    );
    assert.throws(() => resolveVersions({LAB_VERSION_HTTPBIN_IMAGE: 'go httpbin'}), VersionOverrideError);
  });
});

describe('substituteVersions', () => {
  it('replaces every known placeholder, several per line', () => {
    const {text, unknown} = substituteVersions('istioctl-@@ISTIO@@ on @@K3S_IMAGE@@ (@@ISTIO@@)', versions);
    assert.equal(text, `istioctl-${versions.ISTIO} on ${versions.K3S_IMAGE} (${versions.ISTIO})`);
    assert.deepEqual(unknown, []);
  });

  it('leaves shell, Go templates and diff hunks alone', () => {
    const shell = `kubectl get pods -o go-template='{{range .items}}{{.metadata.name}}{{"\\n"}}{{end}}'; echo "$@" $@ \${a@Q}; echo user@@host; echo @@ -1,2 +1,3 @@`;
    assert.deepEqual(substituteVersions(shell, versions), {text: shell, unknown: []});
  });

  it('reports unknown placeholders with their line, including wrong case and other syntaxes', () => {
    const {unknown} = substituteVersions('a\nb @@istio@@\n@@ISTIO_VERSION@@ @@versions.istio@@', versions);
    assert.deepEqual(
      unknown.map((u) => [u.name, u.line]),
      [
        ['istio', 1],
        ['ISTIO_VERSION', 2],
        ['versions.istio', 2],
      ],
    );
  });
});

describe('placeholders in steps', () => {
  const page = [
    '# Install', // 1
    '', // 2
    '```bash step id=install expect="client version: @@ISTIO@@" verify="istioctl version | grep @@ISTIO@@" verify-expect="@@ISTIO@@"', // 3
    'curl -sL https://istio.io/downloadIstio | ISTIO_VERSION=@@ISTIO@@ sh -', // 4
    'k3d cluster create --image @@K3S_IMAGE@@', // 5
    '```', // 6
    '', // 7
    '```text expect', // 8
    'client version: @@ISTIO@@', // 9
    '```', // 10
    '', // 11
    'Istio `@@ISTIO@@` from @@GATEWAY_API@@.', // 12
    '', // 13
    '```yaml', // 14
    'image: @@HTTPBIN_IMAGE@@', // 15
    '```', // 16
  ].join('\n');

  it('substitutes the command, its checks, the verify command and the expect block', () => {
    const tree = parse(page);
    const {steps, errors} = extractSteps(tree, {}, {versions});
    assert.deepEqual(errors, []);
    const [step] = steps;
    assert.ok(step);
    assert.equal(
      step.spec.command,
      `curl -sL https://istio.io/downloadIstio | ISTIO_VERSION=${versions.ISTIO} sh -\nk3d cluster create --image ${versions.K3S_IMAGE}`,
    );
    assert.deepEqual(step.spec.expect, [
      {kind: 'contains', pattern: `client version: ${versions.ISTIO}`},
      {kind: 'like', pattern: `client version: ${versions.ISTIO}`},
    ]);
    assert.equal(step.spec.verify?.command, `istioctl version | grep ${versions.ISTIO}`);
    assert.deepEqual(step.spec.verify?.expect, [{kind: 'contains', pattern: versions.ISTIO}]);
    assert.equal(step.expected, `client version: ${versions.ISTIO}`);
  });

  it('uses the LAB_VERSION_* overrides of the environment by default', () => {
    const saved = process.env.LAB_VERSION_ISTIO;
    process.env.LAB_VERSION_ISTIO = '1.31.1';
    try {
      const {steps} = extractSteps(parse(page), {});
      assert.match(steps[0]?.spec.command ?? '', /ISTIO_VERSION=1\.31\.1 sh -/);
    } finally {
      if (saved === undefined) delete process.env.LAB_VERSION_ISTIO;
      else process.env.LAB_VERSION_ISTIO = saved;
    }
  });

  it('shows real values on the page: steps, plain code, inline code and text', async () => {
    const file = new VFile({path: join(REPO, 'docs/x-versions.mdx'), value: page, data: {frontMatter: {}}});
    const out = String(
      await unified()
        .use(remarkParse)
        .use(remarkMdx)
        .use(stepsPlugin, {siteDir: REPO, versions})
        .use(remarkStringify)
        .process(file),
    );
    assert.doesNotMatch(out, /@@/);
    assert.match(
      out,
      new RegExp(
        `Istio \`${versions.ISTIO.replace(/\./g, '\\.')}\` from ${versions.GATEWAY_API.replace(/\./g, '\\.')}`,
      ),
    );
    assert.ok(out.includes(`image: ${versions.HTTPBIN_IMAGE}`));
  });

  it('makes an unknown placeholder an error at its file line, saying what to write', () => {
    const bad = [
      '# Bad', // 1
      '', // 2
      '```bash step id=a expect="@@istio@@"', // 3
      'echo ok', // 4
      'echo @@ISTIO_VERSION@@', // 5
      '```', // 6
      '', // 7
      'Prose with @@HELM@@.', // 8
    ].join('\n');
    const {errors} = extractSteps(parse(bad), {}, {versions});
    assert.deepEqual(
      errors.map((e) => e.line),
      [3, 5, 8],
    );
    assert.match(
      errors[0]?.message ?? '',
      /^unknown version placeholder @@istio@@: did you mean @@ISTIO@@\? use one of @@ISTIO@@, /,
    );
    assert.match(errors[1]?.message ?? '', /unknown version placeholder @@ISTIO_VERSION@@: did you mean @@ISTIO@@\?/);
    assert.match(errors[2]?.message ?? '', /unknown version placeholder @@HELM@@/);
  });

  it('fails the site build with file:line', async () => {
    const file = new VFile({
      path: join(REPO, 'docs/x-bad.mdx'),
      value: '# X\n\n```bash step id=a\necho @@NOPE@@\n```\n',
      data: {frontMatter: {}},
    });
    await assert.rejects(
      unified()
        .use(remarkParse)
        .use(remarkMdx)
        .use(stepsPlugin, {siteDir: REPO, versions})
        .use(remarkStringify)
        .process(file),
      /docs\/x-bad\.mdx:4: unknown version placeholder @@NOPE@@/,
    );
  });
});
