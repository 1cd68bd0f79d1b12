/**
 * DNS-rebinding defence: a page on evil.example can re-point its own name at 127.0.0.1, but the browser still sends
 * `Host: evil.example`. Only loopback names on our own port (plus names the operator allowed) are served.
 */

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface HostPolicy {
  /** the port the server actually listens on */
  port: number;
  /** extra names, lower-case; "name" accepts any port, "name:port" only that port */
  allowedHosts: readonly string[];
}

/** Split a Host header into lower-case name and port (80 when absent: plain HTTP's default). */
export function parseHost(host: string): {name: string; port: number} | undefined {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(host.trim().toLowerCase());
  if (!m?.[1]) return undefined;
  const port = m[2] === undefined ? 80 : Number(m[2]);
  if (port > 65535) return undefined;
  return {name: m[1], port};
}

export function hostAllowed(hostHeader: string | undefined, policy: HostPolicy): boolean {
  if (!hostHeader) return false;
  const host = parseHost(hostHeader);
  if (!host) return false;
  if (LOOPBACK_NAMES.has(host.name)) return host.port === policy.port;
  for (const allowed of policy.allowedHosts) {
    const a = parseHost(allowed);
    if (!a || a.name !== host.name) continue;
    // an entry without a port accepts any (a reverse proxy may listen elsewhere); with a port, exactly that one
    if (!/:\d+$/.test(allowed) || a.port === host.port) return true;
  }
  return false;
}
