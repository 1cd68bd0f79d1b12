/** Starting the lab on a port that is taken: a readable error, and nothing left running (the backend is disposed). */
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {test} from 'node:test';
import type {Backend} from '../../server/backends/types';
import {silentLogger} from '../../server/config/logger';
import {ListenError, startLabServer} from '../../server/http/server';
import {manifestIndex} from '../../server/manifests/load';

test('a taken port: ListenError says what to do, and the second server disposes its backend', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lab-start-'));
  mkdirSync(path.join(dir, 'site'));
  const common = {
    token: 'start-token-0123456789abcdef',
    siteDir: path.join(dir, 'site'),
    logger: silentLogger(),
    manifests: manifestIndex(new Map()),
  };
  const first = await startLabServer({...common, backend: 'host', port: 0, stateDir: path.join(dir, 'a')});
  let disposed = false;
  const backend: Backend = {
    name: 'host',
    shellEnvironment: async () => ({env: {}, cwd: dir}),
    doctor: async () => [],
    dispose: async () => {
      disposed = true;
    },
  };
  try {
    await assert.rejects(
      startLabServer({...common, port: first.port, stateDir: path.join(dir, 'b'), backendInstance: backend}),
      (err: unknown) =>
        err instanceof ListenError &&
        new RegExp(`port ${first.port} on 127\\.0\\.0\\.1 is already in use.*--port`).test(err.message),
    );
    assert.equal(disposed, true, 'the backend of the failed start was disposed');
  } finally {
    await first.close();
    rmSync(dir, {recursive: true, force: true});
  }
});
