import {createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject} from 'node:crypto';
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';

/**
 * A self-signed serving certificate for the sandbox API (ECDSA P-256, SANs for loopback).
 * Why TLS on loopback: kubectl (client-go) only sends a kubeconfig's bearer token over https, so per-sandbox
 * tokens need it; k3d clusters are https too, so `kubectl cluster-info` looks the same.
 * Hand-encoded DER (a few dozen lines) instead of a dependency: Node can sign but cannot build certificates.
 */
export interface ServingCert {
  /** PEM */
  cert: string;
  /** PEM (PKCS#8) */
  key: string;
}

// ---- DER ----
const len = (n: number): Buffer => {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
};
const tlv = (tag: number, ...content: Buffer[]): Buffer => {
  const c = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), len(c.length), c]);
};
const seq = (...c: Buffer[]) => tlv(0x30, ...c);
const set = (...c: Buffer[]) => tlv(0x31, ...c);
const oid = (dotted: string): Buffer => {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a! + b!];
  for (const v of rest) {
    const chunk: number[] = [v & 0x7f];
    for (let x = Math.floor(v / 128); x > 0; x = Math.floor(x / 128)) chunk.unshift(0x80 | (x & 0x7f));
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
};
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const octets = (b: Buffer) => tlv(0x04, b);
const bits = (b: Buffer, unused = 0) => tlv(0x03, Buffer.from([unused]), b);
const time = (d: Date): Buffer => {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z'; // YYYYMMDDHHMMSSZ
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2))) : tlv(0x18, Buffer.from(iso));
};
const name = (cn: string) => seq(set(seq(oid('2.5.4.3'), utf8(cn))));
const ext = (id: string, critical: boolean, value: Buffer) =>
  seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));

function pem(label: string, der: Buffer): string {
  const b64 = der
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

export function createServingCert(
  opts: {commonName?: string; dnsNames?: string[]; ips?: string[]; now?: Date; days?: number} = {},
): ServingCert {
  const {privateKey, publicKey} = generateKeyPairSync('ec', {namedCurve: 'P-256'});
  const now = opts.now ?? new Date();
  const notBefore = new Date(now.getTime() - 60 * 60 * 1000);
  const notAfter = new Date(now.getTime() + (opts.days ?? 3650) * 24 * 3600 * 1000);
  const serial = randomBytes(16);
  // positive and minimal DER INTEGER: a first byte of 0x00 would be "illegal padding" to OpenSSL whenever the next
  // byte is below 0x80 (1 certificate in 256), so keep it in 0x01..0x7f
  serial[0] = (serial[0]! & 0x7f) | 0x01;
  const sigAlg = seq(oid('1.2.840.10045.4.3.2')); // ecdsa-with-SHA256
  const sans = [
    ...(
      opts.dnsNames ?? [
        'localhost',
        'kubernetes',
        'kubernetes.default',
        'kubernetes.default.svc',
        'kubernetes.default.svc.cluster.local',
      ]
    ).map((d) => tlv(0x82, Buffer.from(d))),
    ...(opts.ips ?? ['127.0.0.1', '0.0.0.0']).map((ip) => tlv(0x87, Buffer.from(ip.split('.').map(Number)))),
  ];
  const subject = name(opts.commonName ?? 'k3s');
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // v3
    tlv(0x02, serial),
    sigAlg,
    subject,
    seq(time(notBefore), time(notAfter)),
    subject,
    publicKey.export({type: 'spki', format: 'der'}),
    tlv(
      0xa3,
      seq(
        ext('2.5.29.15', true, bits(Buffer.from([0xa4]), 2)), // digitalSignature, keyEncipherment, keyCertSign
        ext('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))), // serverAuth
        ext('2.5.29.19', true, seq(bool(true))), // CA: it is its own trust anchor in the kubeconfig
        ext('2.5.29.17', false, seq(...sans)),
      ),
    ),
  );
  const signature = sign('sha256', tbs, privateKey);
  const cert = seq(tbs, sigAlg, bits(signature));
  return {cert: pem('CERTIFICATE', cert), key: privateKey.export({type: 'pkcs8', format: 'pem'}).toString()};
}

/** The certificate kept in `<dir>/server.crt|key`, created on first use so kubeconfigs stay valid across restarts. */
export function loadOrCreateServingCert(dir: string): ServingCert {
  const certPath = join(dir, 'server.crt');
  const keyPath = join(dir, 'server.key');
  if (existsSync(certPath) && existsSync(keyPath)) {
    const c = {cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8')};
    try {
      createPrivateKey(c.key) satisfies KeyObject;
      return c;
    } catch {
      // unreadable key: make a new pair below
    }
  }
  const c = createServingCert();
  mkdirSync(dir, {recursive: true});
  writeFileSync(keyPath, c.key, {mode: 0o600});
  writeFileSync(certPath, c.cert);
  return c;
}
