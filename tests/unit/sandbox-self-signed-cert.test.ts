/**
 * The sandbox's serving certificates must always be valid DER that both OpenSSL (Node's X509Certificate) and Go's
 * crypto/x509 (the real kubectl) accept: the hand-encoded ones failed for 1 certificate in 256.
 */
import assert from 'node:assert/strict';
import {createPrivateKey, X509Certificate} from 'node:crypto';
import {readFileSync, writeFileSync} from 'node:fs';
import {describe, test} from 'node:test';
import {createServingCert} from '../../server/backends/sandbox/api/self-signed-cert';
import {NO_KUBECTL, startHarness} from '../fixtures/sandbox/harness';

describe('sandbox serving certificates', () => {
  test('many in a row all parse, each a CA for its names with a positive minimal serial', async () => {
    // the old serial encoding failed about once in 256 certificates (OpenSSL: "illegal padding"), so parsing 300
    // would have caught it with ~70% probability
    for (let i = 0; i < 300; i++) {
      const c = await createServingCert({commonName: 'lab', dnsNames: ['localhost'], ips: ['127.0.0.1']});
      const cert = new X509Certificate(c.cert);
      assert.match(cert.serialNumber, /^[0-9A-F]+$/i, `serial ${cert.serialNumber}`);
      assert.ok(cert.checkPrivateKey(createPrivateKey(c.key)), 'the key belongs to the certificate');
      if (i > 0) continue;
      assert.equal(cert.subject, 'CN=lab');
      assert.equal(cert.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1');
      assert.ok(cert.ca, 'its own trust anchor in the kubeconfig');
      assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
      assert.ok(cert.checkHost('localhost') && cert.checkIP('127.0.0.1'));
      assert.ok(cert.verify(cert.publicKey), 'self-signed');
    }
  });

  test('the defaults name the API the way kubectl and in-cluster clients reach it, valid for ten years', async () => {
    const now = new Date('2025-01-01T00:00:00Z');
    const cert = new X509Certificate((await createServingCert({now})).cert);
    assert.equal(cert.subject, 'CN=k3s');
    for (const host of ['localhost', 'kubernetes.default.svc.cluster.local']) assert.ok(cert.checkHost(host), host);
    assert.ok(cert.checkIP('127.0.0.1') && cert.checkIP('0.0.0.0'));
    assert.ok(new Date(cert.validFrom) < now);
    assert.ok(new Date(cert.validTo) > new Date('2034-12-01T00:00:00Z'));
  });

  describe('with the real kubectl', {skip: NO_KUBECTL}, () => {
    test('Go crypto/x509 verifies the API against fresh certificates', async () => {
      for (let i = 0; i < 3; i++) {
        const h = await startHarness({tls: await createServingCert()});
        try {
          h.api.sandboxes.create('tls');
          const r = await h.kubectl('tls', ['get', 'ns', 'default', '-o', 'name']);
          assert.equal(r.stdout, 'namespace/default\n', r.stderr);
        } finally {
          await h.close();
        }
      }
    });

    test('and refuses a server whose certificate the kubeconfig does not trust (the check is real)', async () => {
      const h = await startHarness({tls: await createServingCert()});
      try {
        h.api.sandboxes.create('tls');
        const file = h.kubeconfig('tls');
        const other = Buffer.from((await createServingCert()).cert).toString('base64');
        writeFileSync(
          file,
          readFileSync(file, 'utf8').replace(/certificate-authority-data: \S+/, `certificate-authority-data: ${other}`),
        );
        const r = await h.kubectl('tls', ['get', 'ns', 'default', '-o', 'name']);
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /x509: certificate signed by unknown authority/);
      } finally {
        await h.close();
      }
    });
  });
});
