import type {ServerResponse} from 'node:http';
import {sendError} from './http-io';
import {errors} from './status';

/**
 * The "empty v2" OpenAPI answer: /openapi/v3 is 404 and /openapi/v2 is 200 with an empty body typed
 * application/octet-stream. kubectl reads that as an empty (valid) protobuf document: no schema, so client-side
 * validation passes and `apply` computes patches from the types compiled into kubectl. (Declaring the protobuf
 * media type instead breaks kubectl's mime parser.)
 */
export function serveOpenApi(path: string, res: ServerResponse): void {
  if (path === 'openapi/v2') {
    res.writeHead(200, {'Content-Type': 'application/octet-stream', 'Content-Length': 0});
    res.end();
    return;
  }
  sendError(res, errors.pathNotFound());
}
