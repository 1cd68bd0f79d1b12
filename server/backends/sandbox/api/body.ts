import {parse as parseYaml} from 'yaml';
import {decodeProtobufObject, PROTOBUF_MEDIA_TYPE} from './protobuf/decode';
import {isPlainObject} from './patch-merge';
import {errors} from './status';
import type {KubeObject} from './types';

/**
 * Turns a create/update body into an object: JSON (what kubectl sends almost always), YAML, or the Kubernetes
 * protobuf envelope that kubectl 1.33+ uses for `kubectl create namespace|secret|configmap|…` generators.
 */
export function decodeObjectBody(mediaType: string, body: Buffer): KubeObject {
  let v: unknown;
  if (mediaType === PROTOBUF_MEDIA_TYPE) v = decodeProtobufObject(body);
  else if (mediaType === 'application/yaml' || mediaType === 'application/x-yaml') v = parseYaml(body.toString('utf8'));
  else if (mediaType === 'application/json' || mediaType === '') {
    try {
      v = JSON.parse(body.toString('utf8'));
    } catch (e) {
      throw errors.badRequest(`the body of the request was in an unknown format: ${(e as Error).message}`);
    }
  } else
    throw errors.unsupportedMediaType(
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf`,
    );
  if (!isPlainObject(v))
    throw errors.badRequest('the body of the request was in an unknown format: expected an object');
  const o = v as KubeObject;
  o.metadata = isPlainObject(o.metadata) ? o.metadata : {};
  return o;
}
