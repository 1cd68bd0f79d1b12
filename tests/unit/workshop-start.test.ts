/** Workshop mode's preconditions: the sandbox backend, and isolated attendee shells before anything leaves loopback. */
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {after, describe, it} from 'node:test';
import type {Backend} from '../../server/backends/types';
import {resolveOptions} from '../../server/config/options';
import {silentLogger} from '../../server/config/logger';
import type {IsolationProbe} from '../../server/isolation/probe';
import {manifestIndex} from '../../server/manifests/load';
import {FileProgressStore} from '../../server/progress/progress-store';
import {startWorkshop, WorkshopStartError} from '../../server/workshop/start';

const dir = mkdtempSync(path.join(tmpdir(), 'workshop-start-'));
after(() => rmSync(dir, {recursive: true, force: true}));

const manifests = manifestIndex(
  new Map([
    [
      'en',
      [
        {
          pageId: 'p',
          locale: 'en',
          title: 'P',
          source: 'docs/p.mdx',
          steps: [{id: 's', lang: 'bash', command: 'true', timeoutMs: 1000, exitCode: 0, expect: []}],
        },
      ],
    ],
  ]),
);

function backend(name: 'sandbox' | 'host'): Backend {
  return {
    name,
    shellEnvironment: async () => ({env: {}, cwd: dir}),
    doctor: async () => [],
    dispose: async () => {},
    ...(name === 'sandbox'
      ? {prepareIsolated: async () => ({readOnly: [], readWrite: [], env: {}}), resetLearner: async () => {}}
      : {}),
  };
}

const noBwrap: IsolationProbe = {cgroups: {}, root: true, notes: []};
const notRoot: IsolationProbe = {
  bwrap: {path: '/usr/bin/bwrap', version: '0.8.0'},
  cgroups: {},
  root: false,
  notes: [],
};

function start(lan: boolean, probe: IsolationProbe, name: 'sandbox' | 'host' = 'sandbox') {
  const options = resolveOptions({
    stateDir: path.join(dir, `${name}-${lan}-${probe.root}`),
    siteDir: dir,
    host: lan ? '0.0.0.0' : '127.0.0.1',
    workshop: {capacity: 5, durationMinutes: 10, pages: [], fresh: true, lan},
  });
  return startWorkshop({
    options,
    backend: backend(name),
    manifests,
    progress: new FileProgressStore(options.stateDir, {logger: silentLogger()}),
    logger: silentLogger(),
    probe,
  });
}

describe('starting a workshop', () => {
  it('refuses --lan without bubblewrap, and says how to install it', () => {
    assert.throws(
      () => start(true, noBwrap),
      (e: Error) => e instanceof WorkshopStartError && /apt-get install bubblewrap/.test(e.message),
    );
  });

  it('refuses --lan when the lab cannot give attendees users of their own', () => {
    assert.throws(
      () => start(true, notRoot),
      (e: Error) => e instanceof WorkshopStartError && /root/.test(e.message),
    );
  });

  it('runs a loopback rehearsal without isolation, and says so', async () => {
    const w = start(false, noBwrap);
    assert.match(w.notIsolated ?? '', /bubblewrap/);
    assert.equal(w.shells, undefined);
    await w.dispose();
  });

  it('needs the sandbox backend: every attendee gets a cluster of their own', () => {
    assert.throws(() => start(false, noBwrap, 'host'), /sandbox backend/);
  });

  it('refuses a non-loopback host without --lan or the remote-shell opt-in', () => {
    assert.throws(
      () => resolveOptions({stateDir: dir, siteDir: dir, host: '0.0.0.0', workshop: {lan: false}}),
      /would offer a real shell/,
    );
  });
});
