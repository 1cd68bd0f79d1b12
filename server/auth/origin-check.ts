/**
 * Cross-site WebSocket hijacking / CSRF defence: a browser always says which page started a WebSocket (and any
 * cross-origin or non-GET fetch) in `Origin`. We accept only our own origin: the same host the request was sent to,
 * which the Host check has already limited to allowed names.
 */
import {parseHost} from './host-check';

export function originMatchesHost(origin: string, hostHeader: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false; // includes the opaque "null" origin (sandboxed iframes, file://)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  const host = parseHost(hostHeader);
  if (!host) return false;
  // A TLS-terminating proxy in front may change the scheme, so compare name and port. A Host without a port means
  // the default port of whatever scheme the browser used, which is the one in its Origin.
  const originPort = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const hostPort = /:\d+$/.test(hostHeader.trim()) ? host.port : originPort;
  // WHATWG URL keeps IPv6 brackets in hostname ("[::1]"), as parseHost does.
  return url.hostname.toLowerCase() === host.name && originPort === hostPort;
}
