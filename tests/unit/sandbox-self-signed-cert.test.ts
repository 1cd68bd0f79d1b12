/** The sandbox's hand-encoded certificates must always parse: DER has no room for "almost" (e.g. a padded serial). */
import assert from 'node:assert/strict';
import {X509Certificate} from 'node:crypto';
import {test} from 'node:test';
import {createServingCert} from '../../server/backends/sandbox/api/self-signed-cert';

test('many serving certificates in a row all parse, with a positive minimal serial', () => {
  // the old serial encoding failed about once in 256 certificates; 600 would catch it with ~90% probability
  for (let i = 0; i < 600; i++) {
    const c = createServingCert({commonName: 'lab', dnsNames: ['localhost'], ips: ['127.0.0.1']});
    const cert = new X509Certificate(c.cert);
    assert.match(cert.serialNumber, /^[0-7][0-9A-F]/i, `serial ${cert.serialNumber}`);
    assert.notEqual(cert.serialNumber.slice(0, 2), '00');
  }
});
