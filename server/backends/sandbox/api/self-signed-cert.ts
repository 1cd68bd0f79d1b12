import {createPrivateKey, X509Certificate} from 'node:crypto';
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

/** A client certificate as k3s writes it into its admin kubeconfig: the certificate followed by its CA, and the key. */
export interface ClientCertificate {
  /** PEM: the client certificate, then the client CA's (k3s' createClientCertKey writes the chain) */
  cert: string;
  /** PEM (SEC1 "EC PRIVATE KEY", as k3s writes its keys) */
  key: string;
  /** of the client certificate itself (colon-separated SHA-256 hex, as Node's getPeerCertificate reports it) */
  fingerprint256: string;
}

/**
 * The CA that signs client certificates, k3s' `client-ca` (CN `k3s-client-ca@<unix seconds>`), kept in
 * `<dir>/client-ca.crt|key` so certificates issued before a restart stay valid.
 */
export async function loadOrCreateClientCa(dir: string, now = new Date()): Promise<ServingCert> {
  const certPath = join(dir, 'client-ca.crt');
  const keyPath = join(dir, 'client-ca.key');
  if (existsSync(certPath) && existsSync(keyPath)) {
    const c = {cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8')};
    try {
      createPrivateKey(c.key);
      new X509Certificate(c.cert);
      return c;
    } catch {
      // unreadable: a new CA below (certificates it signed stop working, as after a k3s CA rotation)
    }
  }
  const pems = await generate([{name: 'commonName', value: `k3s-client-ca@${Math.floor(now.getTime() / 1000)}`}], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 60 * 60 * 1000),
    notAfterDate: new Date(now.getTime() + 3650 * 24 * 3600 * 1000),
    extensions: [
      {name: 'basicConstraints', cA: true, critical: true},
      {name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true},
    ],
  });
  mkdirSync(dir, {recursive: true});
  writeFileSync(keyPath, pems.private, {mode: 0o600});
  writeFileSync(certPath, pems.cert);
  return {cert: pems.cert, key: pems.private};
}

/**
 * A client certificate signed by `ca`, as k3s issues `client-admin` (CN=system:admin, O=system:masters, client
 * auth, one year; k3s pkg/daemons/control/deps/deps.go).
 */
export async function issueClientCert(
  ca: ServingCert,
  opts: {commonName: string; organization?: string; now?: Date; days?: number},
): Promise<ClientCertificate> {
  const now = opts.now ?? new Date();
  const pems = await generate(
    [
      ...(opts.organization ? [{name: 'organizationName', value: opts.organization}] : []),
      {name: 'commonName', value: opts.commonName},
    ],
    {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      ca: {key: ca.key, cert: ca.cert},
      notBeforeDate: new Date(now.getTime() - 60 * 60 * 1000),
      notAfterDate: new Date(now.getTime() + (opts.days ?? 365) * 24 * 3600 * 1000),
      extensions: [
        {name: 'basicConstraints', cA: false},
        {name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true},
        {name: 'extKeyUsage', clientAuth: true},
      ],
    },
  );
  const pem = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);
  return clientCertificateOf(pem(pems.cert) + pem(ca.cert), pems.private);
}

/** the stored chain and key as a ClientCertificate (the key re-encoded as SEC1) */
export function clientCertificateOf(chain: string, key: string): ClientCertificate {
  const first = chain.slice(0, chain.indexOf('-----END CERTIFICATE-----') + '-----END CERTIFICATE-----'.length);
  const sec1 = createPrivateKey(key).export({type: 'sec1', format: 'pem'}).toString();
  return {cert: chain, key: sec1, fingerprint256: new X509Certificate(first).fingerprint256};
}
