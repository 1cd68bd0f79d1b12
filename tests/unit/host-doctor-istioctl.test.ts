import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {istioctlCheck} from '../../server/backends/host/host-doctor';

// lab doctor on the host backend: istioctl must be the pinned release, and the fix downloads exactly that one.
describe('lab doctor: istioctl', () => {
  it('passes the pinned istioctl', () => {
    const c = istioctlCheck({ok: true, stdout: 'client version: 1.29.8\n'}, '1.29.8');
    assert.equal(c.ok, true);
    assert.equal(c.detail, 'client version: 1.29.8');
  });

  it('fails another version and proposes the pinned download, not the latest', () => {
    const c = istioctlCheck({ok: true, stdout: 'client version: 1.31.1\n'}, '1.29.8');
    assert.equal(c.ok, false);
    assert.match(c.detail, /1\.31\.1; the walkthrough pins 1\.29\.8/);
    assert.match(c.fix!, /ISTIO_VERSION=1\.29\.8 sh -/);
    assert.match(c.fix!, /istio-1\.29\.8\/bin first on PATH/);
  });

  it('proposes the pinned download when istioctl is missing', () => {
    const c = istioctlCheck({ok: false, stdout: '', error: 'not found'}, '1.29.8');
    assert.equal(c.ok, false);
    assert.equal(c.detail, 'not found');
    assert.match(c.fix!, /^curl -L https:\/\/istio\.io\/downloadIstio \| ISTIO_VERSION=1\.29\.8 sh -/);
  });
});
