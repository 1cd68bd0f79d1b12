// The nightly workflow cannot run here (no Docker): this checks it is well-formed and does what the README says —
// two independent jobs, tools at the versions of src/core/versions.ts, the Playwright walkthrough on the host
// backend in both locales (the spec runs both), the runner's transcripts, and artifacts uploaded whatever happened.
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {describe, it} from 'node:test';
import {parse} from 'yaml';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on': string;
  needs?: unknown;
  'continue-on-error'?: boolean;
  steps: Step[];
}

const workflow = parse(readFileSync(new URL('../../.github/workflows/nightly.yml', import.meta.url), 'utf8')) as {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
};

const runs = (job: Job) => job.steps.map((s) => s.run ?? '').join('\n');

describe('nightly workflow', () => {
  it('runs nightly and by hand', () => {
    assert.ok(Array.isArray(workflow.on.schedule) && (workflow.on.schedule as Array<{cron?: string}>)[0]?.cron);
    assert.ok('workflow_dispatch' in workflow.on);
  });

  it('has the pinned job and the latest-Istio job, independent of each other, on a runner with Docker', () => {
    assert.deepEqual(Object.keys(workflow.jobs).sort(), ['walkthrough', 'walkthrough-latest']);
    for (const job of Object.values(workflow.jobs)) {
      assert.equal(job['runs-on'], 'ubuntu-latest');
      assert.equal(job.needs, undefined, 'one job failing must not keep the other from running');
      assert.equal(job['continue-on-error'], false);
    }
  });

  for (const [id, job] of Object.entries(workflow.jobs)) {
    describe(id, () => {
      it('sets up Node 20 and installs with npm ci', () => {
        const node = job.steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
        assert.equal(node?.with?.['node-version'], 20);
        assert.match(runs(job), /^npm ci$/m);
      });

      it('takes the tool versions from src/core/versions.ts and installs k3d, kubectl and istioctl at them', () => {
        const read = job.steps.find(
          (s) => s.run?.includes("import('./src/core/versions.ts')") && s.run.includes('GITHUB_OUTPUT'),
        );
        assert.ok(read, 'a step reads the versions module');
        const install = job.steps.find((s) => /k3d-io\/k3d\/releases/.test(s.run ?? ''));
        assert.ok(install?.run?.includes('dl.k8s.io/release/${KUBECTL_VERSION}'));
        assert.ok(install?.run?.includes('istio/istio/releases/download/${ISTIO_VERSION}'));
        assert.equal(install?.env?.K3D_VERSION, '${{ steps.versions.outputs.k3d }}');
        assert.equal(install?.env?.ISTIO_VERSION, '${{ steps.versions.outputs.istio }}');
        assert.ok(job.steps.indexOf(read!) < job.steps.indexOf(install!));
      });

      it('checks the host backend, then runs the Playwright walkthrough on it, then the runner in both locales', () => {
        const text = runs(job);
        assert.match(text, /npm run lab -- doctor --backend host/);
        assert.match(text, /npx playwright install --with-deps chromium/);
        assert.match(text, /CHROMIUM_PATH=/);
        const e2e = job.steps.find((s) => s.run?.includes('npx playwright test tests/e2e/walkthrough.spec.ts'));
        assert.equal(e2e?.env?.E2E_BACKEND, 'host');
        assert.equal(e2e?.env?.E2E_PAGES, undefined, 'every page');
        assert.ok(!/E2E_PAGES/.test(text));
        for (const locale of ['en', 'ko']) {
          assert.match(
            text,
            new RegExp(`npm run lab -- run --backend host --locale ${locale} --out test-results/walkthrough`),
          );
        }
      });

      it('uploads the HTML report and test-results (transcripts, JUnit, screenshots) even on failure', () => {
        const uploads = job.steps.filter((s) => s.uses?.startsWith('actions/upload-artifact@'));
        const paths = uploads.map((s) => String(s.with?.path));
        assert.ok(paths.includes('playwright-report/'));
        assert.ok(paths.includes('test-results/'));
        for (const u of uploads) assert.equal(u.if, 'always()');
        assert.equal(new Set(uploads.map((s) => s.with?.name)).size, uploads.length, 'artifact names are unique');
      });
    });
  }

  it('the latest job resolves the newest Istio and a k3s it supports, as LAB_VERSION_* overrides', () => {
    const job = workflow.jobs['walkthrough-latest']!;
    const resolve = job.steps.find((s) => s.run?.includes('api.github.com/repos/istio/istio/releases/latest'));
    assert.ok(resolve);
    for (const name of ['LAB_VERSION_ISTIO', 'LAB_VERSION_K3S', 'LAB_VERSION_KUBECTL'])
      assert.match(resolve.run!, new RegExp(`${name}=`));
    assert.match(resolve.run!, /versionProblems/);
    assert.ok(!runs(workflow.jobs.walkthrough!).includes('LAB_VERSION_'), 'the pinned job uses the pins');
    const all = [
      ...new Set(
        Object.values(workflow.jobs).flatMap((j) => j.steps.map((s) => s.uses?.split('@')[0]).filter(Boolean)),
      ),
    ].sort();
    assert.deepEqual(all, ['actions/checkout', 'actions/setup-node', 'actions/upload-artifact']);
  });
});
