/**
 * How `kubectl apply -f https://github.com/...` works with no network: the sandbox shell's HTTPS_PROXY points
 * here. kubectl (Go's net/http) sends `CONNECT github.com:443`; for the hosts we ship manifests for we accept and
 * terminate TLS ourselves with a certificate for those names, which the shell trusts through SSL_CERT_FILE (a bundle
 * of the system CAs plus ours), then serve the shipped file by path. Every other host gets the answer a machine
 * without network gets: Go turns a refused CONNECT's status text into its error, so the learner reads
 * "dial tcp: lookup example.com: no such host". Go never proxies loopback, so the sandbox API is reached directly.
 */
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import {createServer as createHttpsServer} from 'node:https';
import type {Socket} from 'node:net';
import path from 'node:path';
import type {Duplex} from 'node:stream';
import {createServingCert, type ServingCert} from '../api/self-signed-cert';
import {OFFLINE_HOSTS, offlineManifest} from '../manifests/index';
import {listenLoopback} from './listen-loopback';
import {shimsDir} from './shell-env';

const SYSTEM_CA_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/cert.pem',
  '/etc/ssl/ca-bundle.pem',
];

export interface OfflineMirror {
  /** http://127.0.0.1:<port>, the shell's HTTPS_PROXY / HTTP_PROXY */
  readonly proxyUrl: string;
  /** PEM bundle: the system's CAs plus the mirror's certificate (the shell's SSL_CERT_FILE) */
  readonly caBundle: string;
  close(): Promise<void>;
}

/** the mirror's certificate, kept so the CA bundle written for open shells stays valid across restarts */
async function loadOrCreateMirrorCert(dir: string): Promise<ServingCert> {
  const certPath = path.join(dir, 'mirror.crt');
  const keyPath = path.join(dir, 'mirror.key');
  const hostsPath = path.join(dir, 'mirror.hosts');
  if (existsSync(certPath) && existsSync(keyPath) && existsSync(hostsPath)) {
    const named = readFileSync(hostsPath, 'utf8').split('\n');
    // a host added to OFFLINE_HOSTS since the certificate was made: make a new one
    if (OFFLINE_HOSTS.every((h) => named.includes(h)))
      return {cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8')};
  }
  const c = await createServingCert({commonName: 'Ambient Lab offline mirror', dnsNames: [...OFFLINE_HOSTS], ips: []});
  mkdirSync(dir, {recursive: true, mode: 0o700});
  writeFileSync(keyPath, c.key, {mode: 0o600});
  writeFileSync(certPath, c.cert);
  writeFileSync(hostsPath, OFFLINE_HOSTS.join('\n'));
  return c;
}

function systemCas(): string {
  for (const f of SYSTEM_CA_BUNDLES) {
    try {
      return readFileSync(f, 'utf8');
    } catch {
      // try the next distribution's location
    }
  }
  return '';
}

/** "no such host", the way Go words a failed DNS lookup: what an offline machine prints */
const offlineStatus = (host: string) => `502 dial tcp: lookup ${host}: no such host`;

function serveManifest(host: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', `https://${host}`);
  const text = (req.method === 'GET' || req.method === 'HEAD' ? offlineManifest(host, url.pathname) : undefined)
    // the Istio downloader's launcher runs the sandbox's istioctl by its path (its own bin/ comes first on PATH)
    ?.replaceAll('{{LAB_SHIMS}}', shimsDir());
  if (text === undefined) {
    res.writeHead(404, {'Content-Type': 'text/plain; charset=utf-8'});
    res.end('404: Not Found');
    return;
  }
  res.writeHead(200, {'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text)});
  res.end(req.method === 'HEAD' ? undefined : text);
}

export async function startOfflineMirror(opts: {dir: string; preferredPort?: number}): Promise<OfflineMirror> {
  const tls = await loadOrCreateMirrorCert(opts.dir);
  const caBundle = path.join(opts.dir, 'ca-bundle.pem');
  writeFileSync(caBundle, `${systemCas().trimEnd()}\n# Ambient Lab offline mirror\n${tls.cert}`);
  const sockets = new Set<Duplex>();
  const track = (s: Duplex) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
  };
  // TLS is terminated in-process: accepted CONNECT sockets are handed to this server
  const inner = createHttpsServer({cert: tls.cert, key: tls.key}, (req, res) =>
    serveManifest(String(req.headers.host ?? '').replace(/:\d+$/, ''), req, res),
  );
  const proxy: Server = createHttpServer((req, res) => {
    // plain http://host/path through HTTP_PROXY
    let host = '';
    try {
      host = new URL(req.url ?? '').hostname;
    } catch {
      // not an absolute URL: not a proxy request
    }
    if (!OFFLINE_HOSTS.includes(host)) {
      req.socket.destroy();
      return;
    }
    serveManifest(host, req, res);
  });
  proxy.on('connect', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    track(socket);
    const [host, port] = String(req.url ?? '').split(':');
    if (!host || !OFFLINE_HOSTS.includes(host) || (port && port !== '443')) {
      socket.end(`HTTP/1.1 ${offlineStatus(host ?? '')}\r\nConnection: close\r\n\r\n`);
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) socket.unshift(head);
    inner.emit('connection', socket as Socket);
  });
  const port = await listenLoopback(proxy, opts.preferredPort);
  return {
    proxyUrl: `http://127.0.0.1:${port}`,
    caBundle,
    async close() {
      for (const s of sockets) s.destroy();
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
      inner.close();
    },
  };
}
