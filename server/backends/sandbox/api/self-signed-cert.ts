import {createPrivateKey} from 'node:crypto';
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {generate} from 'selfsigned';

/**
 * A self-signed serving certificate for the sandbox API (ECDSA P-256, SANs for loopback).
 * Why TLS on loopback: kubectl (client-go) only sends a kubeconfig's bearer token over https, so per-sandbox
 * tokens need it; k3d clusters are https too, so `kubectl cluster-info` looks the same.
 * Built by `selfsigned` (on @peculiar/x509 and WebCrypto; already installed with Docusaurus' dev server): DER has
 * no room for "almost", and a hand-made encoder got the serial wrong for 1 certificate in 256.
 */
export interface ServingCert {
  /** PEM */
  cert: string;
  /** PEM (PKCS#8) */
  key: string;
}

const DEFAULT_DNS_NAMES = [
  'localhost',
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
];

export async function createServingCert(
  opts: {commonName?: string; dnsNames?: string[]; ips?: string[]; now?: Date; days?: number} = {},
): Promise<ServingCert> {
  const now = opts.now ?? new Date();
  const pems = await generate([{name: 'commonName', value: opts.commonName ?? 'k3s'}], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60 * 60 * 1000),
    notAfterDate: new Date(now.getTime() + (opts.days ?? 3650) * 24 * 3600 * 1000),
    extensions: [
      // CA: it is its own trust anchor in the kubeconfig
      {name: 'basicConstraints', cA: true, critical: true},
      {name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true},
      {name: 'extKeyUsage', serverAuth: true},
      {
        name: 'subjectAltName',
        altNames: [
          ...(opts.dnsNames ?? DEFAULT_DNS_NAMES).map((value) => ({type: 2 as const, value})),
          ...(opts.ips ?? ['127.0.0.1', '0.0.0.0']).map((ip) => ({type: 7 as const, ip})),
        ],
      },
    ],
  });
  return {cert: pems.cert, key: pems.private};
}

/** The certificate kept in `<dir>/server.crt|key`, created on first use so kubeconfigs stay valid across restarts. */
export async function loadOrCreateServingCert(dir: string): Promise<ServingCert> {
  const certPath = join(dir, 'server.crt');
  const keyPath = join(dir, 'server.key');
  if (existsSync(certPath) && existsSync(keyPath)) {
    const c = {cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8')};
    try {
      createPrivateKey(c.key);
      return c;
    } catch {
      // unreadable key: make a new pair below
    }
  }
  const c = await createServingCert();
  mkdirSync(dir, {recursive: true});
  writeFileSync(keyPath, c.key, {mode: 0o600});
  writeFileSync(certPath, c.cert);
  return c;
}
