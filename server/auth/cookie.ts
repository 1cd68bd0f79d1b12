/** Just enough cookie handling for the token cookie: read one value, build the Set-Cookie header. */

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    const value = part.slice(eq + 1).trim();
    try {
      return decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * HttpOnly: page scripts (and any XSS) cannot read it. SameSite=Strict: no other site can make the browser send it,
 * which is what makes cookie-authenticated requests safe against cross-site request forgery. No Max-Age: a session
 * cookie, gone when the browser closes (the token itself stays the same across `lab start`s: server/auth/token-file.ts).
 */
export function setCookieHeader(name: string, value: string): string {
  return `${name}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=Strict`;
}
