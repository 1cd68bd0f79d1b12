import {createHash} from 'node:crypto';
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import type {IncomingMessage} from 'node:http';
import {join} from 'node:path';
import type {TLSSocket} from 'node:tls';
import {clientCertificateOf, issueClientCert, type ClientCertificate, type ServingCert} from './self-signed-cert';

/** what identifies a sandbox's credentials: a sandbox made anew under the same name has a new token */
export interface CertificateOwner {
  name: string;
  token: string;
}

/**
 * The sandboxes' admin client certificates, as k3s issues `client-admin` for the kubeconfig k3d hands out
 * (CN=system:admin, O=system:masters, signed by the client CA). One per sandbox, issued on first use and kept in
 * `<dir>/<sandbox>-<token hash>.crt|key`; a request is that sandbox's when the TLS handshake verified the
 * certificate it presented against the client CA and it is the one issued to the sandbox (SHA-256 fingerprint).
 */
export class ClientCertificates {
  private readonly issuing = new Map<string, Promise<ClientCertificate>>();
  /** file base → fingerprint of the certificate there (null: none), read from disk once */
  private readonly fingerprints = new Map<string, string | null>();

  constructor(
    private readonly dir: string,
    readonly ca: ServingCert,
  ) {}

  private base(s: CertificateOwner): string {
    return join(this.dir, `${s.name}-${createHash('sha256').update(s.token).digest('hex').slice(0, 16)}`);
  }

  private stored(base: string): ClientCertificate | undefined {
    if (!existsSync(`${base}.crt`) || !existsSync(`${base}.key`)) return undefined;
    try {
      return clientCertificateOf(readFileSync(`${base}.crt`, 'utf8'), readFileSync(`${base}.key`, 'utf8'));
    } catch {
      return undefined;
    }
  }

  /** the sandbox's certificate, issued (and stored) the first time */
  certificateFor(s: CertificateOwner): Promise<ClientCertificate> {
    const base = this.base(s);
    let c = this.issuing.get(base);
    if (!c) {
      c = (async () => {
        const stored = this.stored(base);
        if (stored) return stored;
        const issued = await issueClientCert(this.ca, {commonName: 'system:admin', organization: 'system:masters'});
        mkdirSync(this.dir, {recursive: true, mode: 0o700});
        writeFileSync(`${base}.key`, issued.key, {mode: 0o600});
        writeFileSync(`${base}.crt`, issued.cert);
        this.fingerprints.set(base, issued.fingerprint256);
        return issued;
      })();
      this.issuing.set(base, c);
      c.catch(() => this.issuing.delete(base));
    }
    return c;
  }

  /** true when the request came with the certificate issued to `s`, verified by the handshake */
  presentedBy(req: IncomingMessage, s: CertificateOwner): boolean {
    const socket = req.socket as Partial<TLSSocket>;
    if (!socket.authorized || typeof socket.getPeerCertificate !== 'function') return false;
    const presented = socket.getPeerCertificate().fingerprint256;
    if (!presented) return false;
    const base = this.base(s);
    let fp = this.fingerprints.get(base);
    if (fp === undefined) this.fingerprints.set(base, (fp = this.stored(base)?.fingerprint256 ?? null));
    return fp === presented;
  }
}
