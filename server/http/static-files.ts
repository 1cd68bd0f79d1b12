/**
 * Serves the built Docusaurus site. Public content: no token needed (the Host check still applies upstream).
 *
 * URL → file, as Docusaurus lays out its build: `/docs/intro` → docs/intro (a file), docs/intro.html or
 * docs/intro/index.html; `/ko/...` is just another folder. Unknown paths get the locale's 404.html (`/ko/404.html`
 * for `/ko/...`) with status 404. Paths are decoded once, normalised and must stay inside siteDir.
 * Hashed assets (`/assets/...name.<hash>.ext`) are cached for a year; everything else revalidates by ETag.
 */
import {createReadStream} from 'node:fs';
import {stat} from 'node:fs/promises';
import type {Stats} from 'node:fs';
import type {IncomingMessage, ServerResponse} from 'node:http';
import path from 'node:path';
import {contentTypeOf} from './content-types';
import {SECURITY_HEADERS, sendError} from './respond';

/** Locales other than the default, whose pages live under `/<locale>/` with their own 404.html. */
const LOCALE_PREFIXES = ['ko'];
const HASHED_ASSET = /^\/assets\/.*[.-][0-9a-f]{6,}\.[a-z0-9]+$/i;

export type StaticHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

export function createStaticHandler(siteDir: string): StaticHandler {
  const root = path.resolve(siteDir);

  /** The absolute file for a URL path, or undefined when it would leave the site (traversal) or is malformed. */
  function toFsPath(pathname: string): string | undefined {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return undefined;
    }
    if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
    const file = path.resolve(root, '.' + path.posix.normalize('/' + decoded));
    return file === root || file.startsWith(root + path.sep) ? file : undefined;
  }

  async function fileStats(file: string): Promise<Stats | undefined> {
    try {
      const s = await stat(file);
      return s.isFile() ? s : undefined;
    } catch {
      return undefined;
    }
  }

  async function resolve(file: string, pathname: string): Promise<{file: string; stats: Stats} | undefined> {
    const candidates = pathname.endsWith('/')
      ? [path.join(file, 'index.html')]
      : [file, `${file}.html`, path.join(file, 'index.html')];
    for (const candidate of candidates) {
      const stats = await fileStats(candidate);
      if (stats) return {file: candidate, stats};
    }
    return undefined;
  }

  async function notFoundPage(pathname: string): Promise<{file: string; stats: Stats} | undefined> {
    const locale = LOCALE_PREFIXES.find((l) => pathname === `/${l}` || pathname.startsWith(`/${l}/`));
    for (const candidate of [locale ? path.join(root, locale, '404.html') : undefined, path.join(root, '404.html')]) {
      if (!candidate) continue;
      const stats = await fileStats(candidate);
      if (stats) return {file: candidate, stats};
    }
    return undefined;
  }

  function send(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    file: string,
    stats: Stats,
    pathname: string,
  ): void {
    const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
    const headers: Record<string, string | number> = {
      ...SECURITY_HEADERS,
      'Content-Type': contentTypeOf(file),
      'Cache-Control':
        status === 200 && HASHED_ASSET.test(pathname) ? 'public, max-age=31536000, immutable' : 'no-cache',
      ETag: etag,
      'Last-Modified': stats.mtime.toUTCString(),
    };
    if (status === 200 && req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(status, {...headers, 'Content-Length': stats.size});
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  return async (req, res, url) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, 405, 'method-not-allowed', 'only GET and HEAD are served here', {Allow: 'GET, HEAD'});
      return;
    }
    const file = toFsPath(url.pathname);
    if (!file) {
      sendError(res, 400, 'bad-path', 'that path is not allowed');
      return;
    }
    const found = await resolve(file, url.pathname);
    if (found) {
      send(req, res, 200, found.file, found.stats, url.pathname);
      return;
    }
    const notFound = await notFoundPage(url.pathname);
    if (notFound) send(req, res, 404, notFound.file, notFound.stats, url.pathname);
    else sendError(res, 404, 'not-found', 'no such page (is the site built? run `lab start`, which builds it)');
  };
}
