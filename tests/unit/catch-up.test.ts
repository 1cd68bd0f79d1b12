/**
 * Catch-up: what a page needs, derived from the steps before it (src/core/steps/requirements.ts); the plan that meets
 * it; the lookup of what the learner has (server/catch-up/probe.ts); and the run through the step engine
 * (server/catch-up/run-catch-up.ts).
 */
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import type {StepResult} from '../../src/core/protocol/messages';
import {WalkthroughFacts, type Need} from '../../src/core/steps/requirements';
import type {PageManifest, StepSpec} from '../../src/core/steps/types';
import {probeLearnerState} from '../../server/catch-up/probe';
import {runCatchUp, type CatchUpEvent} from '../../server/catch-up/run-catch-up';
import {EngineError, type StepEngine} from '../../server/engine/types';
import {repoManifests} from '../fixtures/site-manifests';
import {FakeSession} from './fake-session';

const manifests = await repoManifests();
const facts = new WalkthroughFacts(manifests.pages('en'));
const show = (needs: Need[]) => needs.map((n) => `${n.kind}:${n.name}<-${n.pageId}`).sort();

describe('what a page needs, derived from the steps before it', () => {
  it('the first pages need nothing; Install Istio needs the cluster', () => {
    for (const page of ['before-you-begin', 'concepts', 'create-cluster']) assert.deepEqual(facts.needsOf(page), []);
    assert.deepEqual(show(facts.needsOf('install-istio')), ['cluster:k3d<-create-cluster']);
  });

  it('later pages need the namespaces earlier pages make, Istio (istio-system) and the work folder', () => {
    assert.deepEqual(show(facts.needsOf('sample-apps')), [
      'cluster:k3d<-create-cluster',
      'namespace:istio-system<-install-istio',
    ]);
    assert.deepEqual(show(facts.needsOf('traffic-waypoint')), [
      'cluster:k3d<-create-cluster',
      'namespace:bar-2<-sample-apps',
      'namespace:foo<-sample-apps',
      'namespace:istio-system<-install-istio',
    ]);
    assert.deepEqual(show(facts.needsOf('argo')), [
      'cluster:k3d<-create-cluster',
      'directory:~/ambient-lab<-before-you-begin',
    ]);
  });

  it('`tail -n 1` is not a namespace; a step’s own page makes what it names', () => {
    const names = facts.needsOf('authorization').map((n) => n.name);
    assert.ok(!names.includes('1'));
    assert.ok(
      show(facts.needsOf('authorization')).includes('namespace:baz<-traffic-waypoint'),
      'baz, the ambient client, is made on the waypoint page',
    );
    assert.ok(!facts.needsOf('traffic-waypoint').some((n) => n.name === 'baz'), 'the waypoint page makes baz itself');
  });

  it('a variable set on an earlier page is a need of the page that reads it', () => {
    const page = (pageId: string, steps: Array<[string, string]>): PageManifest => ({
      pageId,
      locale: 'en',
      title: pageId,
      source: `docs/${pageId}.mdx`,
      steps: steps.map(([id, command]): StepSpec => ({
        id,
        lang: 'bash',
        command,
        timeoutMs: 1000,
        exitCode: 0,
        expect: [],
      })),
    });
    const own = new WalkthroughFacts([
      page('one', [['set', 'export CLUSTER_NAME=lab']]),
      page('two', [
        ['use', 'echo "$CLUSTER_NAME"'],
        ['own', 'X=1\necho "$X"'],
      ]),
    ]);
    assert.deepEqual(show(own.needsOf('two')), ['variable:CLUSTER_NAME<-one']);
  });
});

describe('the optional Argo page', () => {
  it('no page needs what it makes, so catch-up never runs it, in either language', () => {
    for (const locale of ['en', 'ko'] as const) {
      const pages = manifests.pages(locale);
      const localFacts = new WalkthroughFacts(pages);
      for (const {pageId} of pages) {
        assert.deepEqual(
          localFacts.needsOf(pageId).filter((need) => need.pageId === 'argo'),
          [],
          `${locale}/${pageId} needs the Argo page`,
        );
        assert.ok(
          !localFacts.catchUpPlan(pageId, () => false).some((ref) => ref.pageId === 'argo'),
          `${locale}/${pageId}: catch-up would run the Argo page`,
        );
      }
    }
  });

  it('says so in its title', () => {
    const title = (locale: 'en' | 'ko') => manifests.pages(locale).find((p) => p.pageId === 'argo')?.title;
    assert.equal(title('en'), 'Argo CD and Argo Rollouts (optional)');
    assert.equal(title('ko'), 'Argo CD와 Argo Rollouts (선택)');
  });
});

describe('the catch-up plan', () => {
  it('nothing there: every step of the producing pages, in walkthrough order, with what they need in turn', () => {
    const plan = facts.catchUpPlan('traffic-httpbin', () => false);
    const pages = [...new Set(plan.map((ref) => ref.pageId))];
    assert.deepEqual(pages, ['create-cluster', 'install-istio', 'sample-apps']);
    assert.equal(
      plan.length,
      manifests
        .pages('en')
        .filter((p) => pages.includes(p.pageId))
        .flatMap((p) => p.steps).length,
    );
  });

  it('what exists is not made again: the cluster there, foo there', () => {
    const met = (need: Pick<Need, 'kind' | 'name'>) =>
      need.kind === 'cluster' || (need.kind === 'namespace' && ['istio-system', 'foo'].includes(need.name));
    const plan = facts.catchUpPlan('traffic-waypoint', met).map((ref) => `${ref.pageId}/${ref.stepId}`);
    assert.equal(plan[0], 'sample-apps/deploy-sleep', 'foo-namespace only creates foo, which exists: skipped');
    assert.ok(plan.every((ref) => ref.startsWith('sample-apps/')));
    assert.ok(plan.includes('sample-apps/bar-2-namespace'));
  });

  it('everything there: nothing to run', () => {
    assert.deepEqual(
      facts.catchUpPlan('traffic-waypoint', () => true),
      [],
    );
  });
});

describe('what the learner has', () => {
  it('reads the cluster, its namespaces and the directories from one lookup', async () => {
    let script = '';
    const state = await probeLearnerState(
      async (command) => {
        script = command;
        return {
          exitCode: 0,
          output: '__lab_cluster__\nnamespace/default\nnamespace/foo\n__lab_dir__ ~/ambient-lab\n',
          timedOut: false,
        };
      },
      {cluster: true, directories: ['~/ambient-lab', '~/bad path; rm -rf /']},
    );
    assert.equal(state.cluster, true);
    assert.deepEqual([...state.namespaces], ['default', 'foo']);
    assert.deepEqual([...state.directories], ['~/ambient-lab']);
    assert.match(script, /\$HOME\/ambient-lab/);
    assert.doesNotMatch(script, /rm -rf/, 'a path that is not a plain name is never put into the script');
  });

  it('no cluster: kubectl fails, nothing is listed', async () => {
    const state = await probeLearnerState(async () => ({exitCode: 0, output: '', timedOut: false}), {
      cluster: true,
      directories: [],
    });
    assert.deepEqual([state.cluster, state.namespaces.size], [false, 0]);
  });
});

describe('running a catch-up', () => {
  const result = (pageId: string, stepId: string, status: 'passed' | 'failed'): StepResult => ({
    pageId,
    stepId,
    status,
    via: 'catch-up',
    ...(status === 'failed' ? {failure: {check: 'exit code', expected: '0', actual: '1'}} : {}),
  });

  it('runs the plan in order through the engine, marked as catch-up, with an event per step', async () => {
    const ran: string[] = [];
    let busyOnce = true;
    const engine = {
      run: async (_locale: string, pageId: string, stepId: string, via?: string) => {
        if (busyOnce) {
          busyOnce = false;
          throw new EngineError('busy', 'a command is still running');
        }
        ran.push(`${pageId}/${stepId}/${via}`);
        return result(pageId, stepId, 'passed');
      },
    } as unknown as StepEngine;
    const events: CatchUpEvent[] = [];
    const outcome = await runCatchUp({
      engine,
      session: new FakeSession(),
      locale: 'en',
      plan: [
        {pageId: 'a', stepId: 'one'},
        {pageId: 'a', stepId: 'two'},
      ],
      onEvent: (event) => events.push(event),
      cancelled: () => false,
    });
    assert.equal(outcome.state, 'passed');
    assert.deepEqual(ran, ['a/one/catch-up', 'a/two/catch-up']);
    assert.deepEqual(
      events.map((e) => `${e.state}:${e.done}`),
      ['running:0', 'running:1', 'passed:2'],
    );
  });

  it('stops at the first failing step, and when cancelled', async () => {
    const engine = {
      run: async (_l: string, pageId: string, stepId: string) =>
        result(pageId, stepId, stepId === 'two' ? 'failed' : 'passed'),
    } as unknown as StepEngine;
    const plan = ['one', 'two', 'three'].map((stepId) => ({pageId: 'a', stepId}));
    const events: CatchUpEvent[] = [];
    const failed = await runCatchUp({
      engine,
      session: new FakeSession(),
      locale: 'en',
      plan,
      onEvent: (e) => events.push(e),
      cancelled: () => false,
    });
    assert.equal(failed.state, 'failed');
    assert.equal(events.at(-1)?.current?.stepId, 'two');
    assert.match(events.at(-1)?.message ?? '', /exit code/);

    let calls = 0;
    const cancelled = await runCatchUp({
      engine,
      session: new FakeSession(),
      locale: 'en',
      plan,
      onEvent: () => {},
      cancelled: () => calls++ > 0,
    });
    assert.deepEqual([cancelled.state, cancelled.results.length], ['cancelled', 1]);
  });
});
