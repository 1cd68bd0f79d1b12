/**
 * Reality is the reference: every real transcript in tests/fixtures/real is replayed in the sandbox (the real
 * kubectl, our k3d / istioctl / docker) in the state it was recorded in, and the outputs are compared after
 * normalising what legitimately varies (tests/golden/normalise.ts). A difference passes only when
 * KNOWN-DIFFERENCES.md lists it; a listed difference that no longer occurs fails too, so the list stays true.
 */
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, before, describe, it} from 'node:test';
import {createSandboxBackend, type SandboxBackend} from '../../server/backends/sandbox/index';
import {repoManifests} from '../fixtures/site-manifests';
import {NO_KUBECTL} from '../fixtures/sandbox-backend/harness';
import {compareTranscript, explain} from '../golden/compare';
import {loadTranscripts, type RealTranscript} from '../golden/fixtures';
import {loadKnownDifferences} from '../golden/known-differences';
import {ScenarioShell} from '../golden/scenario-shell';
import {playScenario, SCENARIOS, type ScenarioStep} from '../golden/scenarios';

const transcripts = loadTranscripts();
const known = loadKnownDifferences();

describe('the sandbox against real transcripts (tests/fixtures/real)', {skip: NO_KUBECTL}, () => {
  const root = mkdtempSync(path.join(tmpdir(), 'golden-real-'));
  let backend: SandboxBackend;
  const shells: ScenarioShell[] = [];
  /** transcript id → the sandbox's output for its command */
  const outputs = new Map<string, string>();
  const scenarios = new Map<string, ScenarioStep[]>();

  before(async () => {
    backend = await createSandboxBackend({stateDir: path.join(root, 'state')});
    const byScenario = new Map<string, RealTranscript[]>();
    for (const t of transcripts) byScenario.set(t.sandbox.scenario, [...(byScenario.get(t.sandbox.scenario) ?? []), t]);
    await Promise.all(
      [...byScenario].map(async ([name, attached]) => {
        const make = SCENARIOS[name];
        if (!make) return; // reported by its own test below
        const steps = await make();
        scenarios.set(name, steps);
        // play the scenario only as far as its last attached transcript needs
        const last = Math.max(...attached.map((t) => steps.findIndex((s) => s.label === t.sandbox.at)));
        if (last < 0) return;
        const environment = await backend.shellEnvironment(`golden-${name}`);
        const shell = new ScenarioShell(environment, mkdtempSync(path.join(root, `${name}-`)));
        shells.push(shell);
        await playScenario(shell, steps.slice(0, last + 1), async (step) => {
          for (const t of attached.filter((a) => a.sandbox.at === step.label)) {
            outputs.set(t.id, t.sandbox.run === undefined ? step.output : (await shell.run(t.sandbox.run)).output);
          }
        });
      }),
    );
  });

  after(async () => {
    for (const shell of shells) shell.dispose();
    await backend?.dispose();
    rmSync(root, {recursive: true, force: true});
  });

  it('every transcript names a scenario step, and walkthrough steps that exist', async () => {
    const manifests = await repoManifests();
    const stepIds = new Set(manifests.pages('en').flatMap((p) => p.steps.map((s) => `${p.pageId}/${s.id}`)));
    for (const t of transcripts) {
      const steps = scenarios.get(t.sandbox.scenario);
      assert.ok(steps, `${t.id}: unknown scenario "${t.sandbox.scenario}" (tests/golden/scenarios.ts)`);
      const at = steps.some((s) => s.label === t.sandbox.at);
      assert.ok(at, `${t.id}: scenario ${t.sandbox.scenario} has no step "${t.sandbox.at}"`);
      for (const s of t.steps) assert.ok(stepIds.has(s), `${t.id}: no walkthrough step ${s}`);
    }
  });

  it('every known difference belongs to a transcript', () => {
    const ids = new Set(transcripts.map((t) => t.id));
    for (const k of known) {
      assert.ok(
        ids.has(k.transcript),
        `KNOWN-DIFFERENCES.md:${k.line}: no transcript "${k.transcript}" in tests/fixtures/real`,
      );
    }
  });

  for (const t of transcripts) {
    it(`${t.id}: ${t.command.split('\n')[0]}`, () => {
      const output = outputs.get(t.id);
      const where = `scenario ${t.sandbox.scenario}, at ${t.sandbox.at}`;
      assert.ok(output !== undefined, `${t.id}: the sandbox never ran it (${where})`);
      const c = compareTranscript(t, output, known);
      assert.ok(c.unexpected.length === 0 && c.stale.length === 0, explain(t, c));
    });
  }
});
