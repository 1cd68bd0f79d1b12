import {randomBytes} from 'node:crypto';
import {timestamp} from './names';
import {ADMIN_USER, authorize, rulesReview, type Attributes, type UserInfo} from './rbac';
import type {ObjectStore} from './store';
import type {KubeObject} from './types';

/**
 * Create-only "virtual" resources: reviews and token requests are answered, never stored. The kubeconfig's user is
 * the k3d admin (system:admin in system:masters), allowed everything — as for a real k3d kubeconfig — so
 * `kubectl auth can-i …` says "yes" and `kubectl auth whoami` names the admin; with `--as=<user>` the review is the
 * impersonated user's, decided by RBAC (rbac.ts): `kubectl auth can-i list pods --as=system:serviceaccount:default:default`
 * says "no", as on k3s.
 */
export {ADMIN_USER};

export interface ReviewContext {
  store: ObjectStore;
  /** who sent the review (the admin, or whom the request impersonates) */
  user: UserInfo;
  /** the namespace of the URL (LocalSubjectAccessReview) */
  namespace?: string;
}

type Answer = (body: KubeObject, now: Date, ctx: ReviewContext) => KubeObject;

type Json = Record<string, unknown>;
const asJson = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});

/** the attributes an access review's spec asks about */
function attributesOf(spec: Json, namespace?: string): Attributes {
  const nr = asJson(spec.nonResourceAttributes);
  if (spec.nonResourceAttributes) return {nonResource: {verb: String(nr.verb ?? ''), path: String(nr.path ?? '')}};
  const ra = asJson(spec.resourceAttributes);
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  return {
    resource: {
      verb: String(ra.verb ?? ''),
      group: String(ra.group ?? ''),
      resource: String(ra.resource ?? ''),
      subresource: str(ra.subresource),
      namespace: namespace ?? str(ra.namespace),
      name: str(ra.name),
    },
  };
}

function accessReview(user: (b: KubeObject, ctx: ReviewContext) => UserInfo, local = false): Answer {
  return (b, _now, ctx) => {
    const d = authorize(ctx.store, user(b, ctx), attributesOf(asJson(b.spec), local ? ctx.namespace : undefined));
    return echo(b, d.reason ? {allowed: d.allowed, reason: d.reason} : {allowed: d.allowed});
  };
}

/** a SubjectAccessReview names its user and groups itself, verbatim */
const specUser = (b: KubeObject): UserInfo => {
  const spec = asJson(b.spec);
  return {username: String(spec.user ?? ''), groups: Array.isArray(spec.groups) ? spec.groups.map(String) : []};
};

const echo = (body: KubeObject, status: unknown): KubeObject => ({
  ...body,
  metadata: {...(body.metadata ?? {}), creationTimestamp: null},
  status,
});

const ANSWERS: Record<string, Answer> = {
  'authorization.k8s.io/selfsubjectaccessreviews': accessReview((_b, ctx) => ctx.user),
  'authorization.k8s.io/subjectaccessreviews': accessReview(specUser),
  'authorization.k8s.io/localsubjectaccessreviews': accessReview(specUser, true),
  'authorization.k8s.io/selfsubjectrulesreviews': (b, _now, ctx) =>
    ctx.user !== ADMIN_USER
      ? echo(b, {...rulesReview(ctx.store, ctx.user, String(asJson(b.spec).namespace ?? '')), incomplete: false})
      : echo(b, {
          resourceRules: [
            {verbs: ['*'], apiGroups: ['*'], resources: ['*']},
            {
              verbs: ['create'],
              apiGroups: ['authorization.k8s.io'],
              resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
            },
          ],
          nonResourceRules: [{verbs: ['*'], nonResourceURLs: ['*']}],
          incomplete: false,
        }),
  'authentication.k8s.io/selfsubjectreviews': (b, _now, ctx) => echo(b, {userInfo: ctx.user}),
  'authentication.k8s.io/tokenreviews': (b) =>
    echo(b, {
      authenticated: true,
      user: ADMIN_USER,
      audiences: ['https://kubernetes.default.svc.cluster.local', 'k3s'],
    }),
};

/** the answer to POST on a virtual resource, or undefined when the resource is a stored one */
export function answerReview(
  groupResource: string,
  body: KubeObject,
  now: Date,
  ctx: ReviewContext,
): KubeObject | undefined {
  return ANSWERS[groupResource]?.(body, now, ctx);
}

/** serviceaccounts/token (`kubectl create token`): a token-shaped string with the requested lifetime */
export function tokenRequest(body: KubeObject, sa: KubeObject, now: Date): KubeObject {
  const spec = (body.spec ?? {}) as {expirationSeconds?: number; audiences?: string[]};
  const seconds = spec.expirationSeconds ?? 3600;
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const claims = {
    aud: spec.audiences ?? ['https://kubernetes.default.svc.cluster.local', 'k3s'],
    exp: Math.floor(now.getTime() / 1000) + seconds,
    iat: Math.floor(now.getTime() / 1000),
    iss: 'https://kubernetes.default.svc.cluster.local',
    sub: `system:serviceaccount:${sa.metadata.namespace}:${sa.metadata.name}`,
    'kubernetes.io': {namespace: sa.metadata.namespace, serviceaccount: {name: sa.metadata.name, uid: sa.metadata.uid}},
  };
  const token = `${b64({alg: 'RS256', kid: 'sandbox'})}.${b64(claims)}.${randomBytes(32).toString('base64url')}`;
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: {name: sa.metadata.name, namespace: sa.metadata.namespace, creationTimestamp: null},
    spec: {audiences: claims.aud, expirationSeconds: seconds, boundObjectRef: null},
    status: {token, expirationTimestamp: timestamp(new Date(now.getTime() + seconds * 1000))},
  };
}
