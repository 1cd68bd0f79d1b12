import {parse as parseYaml} from 'yaml';
import {parseJson} from './body';
import {MAX_NESTING, yamlMayBeTooDeep} from './nesting';
import {shapeError} from './object-shape';
import {jsonPatch} from './patch-json';
import {isPlainObject, mergePatch} from './patch-merge';
import {strategicMergePatch} from './patch-strategic';
import {errors} from './status';
import type {KubeObject, ResourceType} from './types';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const PATCH_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+cbor': 'apply',
};

const ACCEPTED = 'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml';

export function patchTypeOf(mediaType: string, type: ResourceType): PatchType {
  const p = PATCH_TYPES[mediaType];
  if (!p || (p === 'strategic' && type.custom))
    throw errors.unsupportedMediaType(
      `the body of the request was in an unknown format - accepted media types include: ${type.custom ? ACCEPTED : `${ACCEPTED}, application/strategic-merge-patch+json`}`,
    );
  return p;
}

export function parsePatchBody(body: Buffer, kind: PatchType): unknown {
  const text = body.toString('utf8');
  const fail = (why: string) => errors.badRequest(`error decoding patch: ${why}`);
  if (kind !== 'apply') return parseJson(text, fail);
  // apply configurations are YAML (JSON is YAML too)
  if (yamlMayBeTooDeep(text)) throw fail(`yaml: exceeded max depth of ${MAX_NESTING}`);
  try {
    return parseYaml(text);
  } catch (e) {
    throw fail(`yaml: ${(e as Error).message.split('\n')[0]}`);
  }
}

/**
 * The patched object. Server-side apply is approximated: the applied configuration is merged over the live object
 * (strategic for built-ins, JSON merge for custom resources) without field ownership.
 */
export function applyPatch(type: ResourceType, current: KubeObject, kind: PatchType, patch: unknown): KubeObject {
  let out: unknown;
  switch (kind) {
    case 'json':
      out = jsonPatch(current, patch);
      break;
    case 'merge':
      if (!isPlainObject(patch)) throw errors.badRequest('merge patch must be a JSON object');
      out = mergePatch(current, patch);
      break;
    case 'strategic':
    case 'apply':
      if (!isPlainObject(patch))
        throw errors.badRequest(
          `${kind === 'apply' ? 'apply configuration' : 'strategic merge patch'} must be an object`,
        );
      out = type.custom ? mergePatch(current, patch) : strategicMergePatch(current, patch);
      break;
  }
  return checkPatchedShape(type, out);
}

/** the patched object decoded into its Go type: what does not fit is a 422 on the field "patch" */
export function checkPatchedShape(type: ResourceType, out: unknown): KubeObject {
  if (!isPlainObject(out) || !isPlainObject(out.metadata))
    throw errors.badRequest('the patched object has no metadata');
  // the apiserver decodes the patched JSON into its Go type; what does not fit is a 422 on the field "patch"
  const shape = shapeError(out, type);
  if (shape)
    throw errors.invalid('', '', '', [
      {
        reason: 'FieldValueInvalid',
        field: 'patch',
        message: `Invalid value: ${JSON.stringify(JSON.stringify(out))}: ${shape}`,
      },
    ]);
  return out as KubeObject;
}
