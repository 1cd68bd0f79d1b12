import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {packTar, unpackTar, type TarEntry} from '../../server/backends/sandbox/runtime/commands/tar-format';

describe('the ustar codec behind the in-pod tar', () => {
  const entries: TarEntry[] = [
    {name: 'tmp/dir/', type: 'dir', mode: 0o755, data: Buffer.alloc(0), mtime: 1_700_000_000},
    {name: 'tmp/dir/a', type: 'file', mode: 0o644, data: Buffer.from('a\n'), mtime: 1_700_000_000},
    {name: 'tmp/dir/empty', type: 'file', mode: 0o644, data: Buffer.alloc(0), mtime: 1_700_000_000},
    {name: `${'d'.repeat(120)}/${'f'.repeat(90)}`, type: 'file', mode: 0o600, data: Buffer.alloc(700, 7), mtime: 0},
  ];

  it('round-trips names (a long one split into prefix/name), types, modes and contents', () => {
    const archive = packTar(entries);
    assert.equal(archive.length % 512, 0);
    assert.deepEqual(unpackTar(archive), entries);
  });

  it('writes headers tar tools accept: ustar magic, octal fields, a valid checksum', () => {
    const h = packTar([entries[1]!]).subarray(0, 512);
    assert.equal(h.subarray(257, 263).toString('latin1'), 'ustar\0');
    assert.equal(h.subarray(124, 136).toString('latin1'), '00000000002\0');
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
    assert.equal(parseInt(h.subarray(148, 154).toString('latin1'), 8), sum);
  });

  it('refuses a damaged header and reads an empty archive as no entries', () => {
    const archive = packTar([entries[1]!]);
    archive[0] = 0x78;
    assert.throws(() => unpackTar(archive), /invalid tar header checksum/);
    assert.deepEqual(unpackTar(Buffer.alloc(1024)), []);
  });
});
