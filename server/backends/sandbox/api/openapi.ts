import type {IncomingMessage, ServerResponse} from 'node:http';
import {createHash} from 'node:crypto';
import {sendError, sendJson} from './http-io';
import {BUILTIN_OPENAPI_GVS, builtinOpenApiDoc} from './openapi-builtin';
import {crdOpenApiDoc} from './openapi-crd';
import {errors} from './status';
import type {ResourceType} from './types';

/**
 * OpenAPI as kube-apiserver 1.31 serves it (k8s.io/kube-openapi pkg/handler3/handler.go):
 *
 * - `/openapi/v3` lists a document per group-version, each at `/openapi/v3/<gv>?hash=<SHA-512 of it, upper hex>`;
 * - `/openapi/v3/<gv>` is the document: the built-ins' vendored from upstream (`openapi-builtin.ts`), the custom
 *   ones built from their CRDs (`openapi-crd.ts`). A `hash` that is not the document's is answered with a 301 to the
 *   right one; a matching one makes it cacheable for a year (`Cache-Control: public, immutable`), as kubectl's
 *   disk cache expects. An `If-None-Match` with the current ETag is a 304.
 * - `/openapi/v2` is the "empty v2": 200 with an empty body typed application/octet-stream, which kubectl reads as
 *   an empty protobuf document (no schema). kubectl 1.31 only asks for it when v3 has no document for a kind (its
 *   fallback for `apply`'s patch type) or for `explain --output=plaintext-openapiv2`.
 */
export function serveOpenApi(
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
  types: readonly ResourceType[],
): void {
  if (path === 'openapi/v2') {
    res.writeHead(200, {'Content-Type': 'application/octet-stream', 'Content-Length': 0});
    res.end();
    return;
  }
  if (path === 'openapi/v3') {
    const paths: Record<string, {serverRelativeURL: string}> = {};
    for (const gv of servedGroupVersions(types)) {
      const doc = documentOf(gv, types);
      if (doc) paths[gv] = {serverRelativeURL: relativeUrl(gv, doc.etag)};
    }
    return sendJson(res, 200, {paths});
  }
  const gv = path.startsWith('openapi/v3/') ? path.slice('openapi/v3/'.length) : undefined;
  const doc = gv ? documentOf(gv, types) : undefined;
  if (!gv || !doc) return sendError(res, errors.pathNotFound());
  if (!acceptsJson(req.headers.accept)) {
    res.writeHead(406, {'Content-Length': 0});
    res.end();
    return;
  }
  const hash = new URL(req.url ?? '/', 'https://sandbox').searchParams.get('hash');
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Etag: `"${doc.etag}"`,
    Vary: 'Accept',
  };
  if (hash) {
    if (hash !== doc.etag) {
      res.writeHead(301, {...headers, Location: relativeUrl(gv, doc.etag), 'Content-Length': 0});
      res.end();
      return;
    }
    headers['Cache-Control'] = 'public, immutable';
    headers.Expires = new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString();
  }
  if (req.headers['if-none-match'] === `"${doc.etag}"`) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, {...headers, 'Content-Length': doc.body.length});
  res.end(req.method === 'HEAD' ? undefined : doc.body);
}

interface Document {
  body: Buffer;
  etag: string;
}

const etag = (body: Buffer) => createHash('sha512').update(body).digest('hex').toUpperCase();

/** constructServerRelativeURL */
const relativeUrl = (gv: string, hash: string) => `/openapi/v3/${gv}?hash=${hash}`;

/** the JSON clauses of handler3's Accept negotiation (`*` / `application/*` / `application/json`) */
function acceptsJson(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(',').some((c) => {
    const m = c.split(';')[0]!.trim().toLowerCase();
    return m === '*/*' || m === 'application/*' || m === 'application/json';
  });
}

const gvOf = (t: ResourceType) => (t.group ? `apis/${t.group}/${t.version}` : `api/${t.version}`);

function servedGroupVersions(types: readonly ResourceType[]): string[] {
  const custom = new Set(types.filter((t) => t.custom).map(gvOf));
  const builtin = new Set(types.filter((t) => !t.custom).map(gvOf));
  return [...BUILTIN_OPENAPI_GVS.filter((gv) => builtin.has(gv)), ...[...custom].sort()];
}

const builtinDocs = new Map<string, Document>();
/** per custom group-version: the types it was built from (a CRD change replaces them) and the document */
const customDocs = new WeakMap<ResourceType, {types: ResourceType[]; doc: Document}>();

function documentOf(gv: string, types: readonly ResourceType[]): Document | undefined {
  const custom = types.filter((t) => t.custom && gvOf(t) === gv);
  if (custom.length) {
    const cached = customDocs.get(custom[0]!);
    if (cached && cached.types.length === custom.length && cached.types.every((t, i) => t === custom[i]))
      return cached.doc;
    const body = Buffer.from(JSON.stringify(crdOpenApiDoc(custom)));
    const doc = {body, etag: etag(body)};
    customDocs.set(custom[0]!, {types: custom, doc});
    return doc;
  }
  if (!types.some((t) => !t.custom && gvOf(t) === gv)) return undefined;
  let doc = builtinDocs.get(gv);
  if (!doc) {
    const body = builtinOpenApiDoc(gv);
    if (!body) return undefined;
    builtinDocs.set(gv, (doc = {body, etag: etag(body)}));
  }
  return doc;
}
