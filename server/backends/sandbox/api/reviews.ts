import {randomBytes} from 'node:crypto';
import {timestamp} from './names';
import type {KubeObject} from './types';

/**
 * Create-only "virtual" resources: reviews and token requests are answered, never stored. The sandbox's single
 * user is the k3d admin (system:admin in system:masters), so every access review is allowed — as for a real
 * k3d kubeconfig — which makes `kubectl auth can-i …` say "yes" and `kubectl auth whoami` name the admin.
 */
export const ADMIN_USER = {username: 'system:admin', groups: ['system:masters', 'system:authenticated']};

type Answer = (body: KubeObject, now: Date) => KubeObject;

const echo = (body: KubeObject, status: unknown): KubeObject => ({
  ...body,
  metadata: {...(body.metadata ?? {}), creationTimestamp: null},
  status,
});

const ANSWERS: Record<string, Answer> = {
  'authorization.k8s.io/selfsubjectaccessreviews': (b) => echo(b, {allowed: true, reason: ''}),
  'authorization.k8s.io/subjectaccessreviews': (b) => echo(b, {allowed: true, reason: ''}),
  'authorization.k8s.io/localsubjectaccessreviews': (b) => echo(b, {allowed: true, reason: ''}),
  'authorization.k8s.io/selfsubjectrulesreviews': (b) =>
    echo(b, {
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
  'authentication.k8s.io/selfsubjectreviews': (b) => echo(b, {userInfo: ADMIN_USER}),
  'authentication.k8s.io/tokenreviews': (b) =>
    echo(b, {
      authenticated: true,
      user: ADMIN_USER,
      audiences: ['https://kubernetes.default.svc.cluster.local', 'k3s'],
    }),
};

/** the answer to POST on a virtual resource, or undefined when the resource is a stored one */
export function answerReview(groupResource: string, body: KubeObject, now: Date): KubeObject | undefined {
  return ANSWERS[groupResource]?.(body, now);
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
