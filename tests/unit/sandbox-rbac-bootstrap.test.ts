import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {startHarness, type Harness, NO_KUBECTL} from '../fixtures/sandbox/harness';

// The RBAC bootstrap policy as stored objects (issue #13): what `kubectl get clusterrole view -o yaml` shows on a
// fresh cluster, read back through the real kubectl, and the same objects deciding impersonated requests.
interface Role {
  metadata: {labels?: Record<string, string>; annotations?: Record<string, string>};
  aggregationRule?: {clusterRoleSelectors: {matchLabels: Record<string, string>}[]};
  rules: {verbs: string[]; apiGroups?: string[]; resources?: string[]; nonResourceURLs?: string[]}[];
}

describe('RBAC bootstrap roles as objects', {skip: NO_KUBECTL}, () => {
  let h: Harness;
  const k = (args: string[]) => h.kubectl('rb', args, {timeoutMs: 60_000});
  const role = async (name: string) => JSON.parse((await k(['get', 'clusterrole', name, '-o', 'json'])).stdout) as Role;
  before(async () => {
    h = await startHarness();
    h.api.sandboxes.create('rb');
  });
  after(async () => h?.close());

  it('lists cluster-admin, admin, edit, view and the aggregate-to roles, labelled as bootstrap defaults', async () => {
    const names = (await k(['get', 'clusterroles', '-o', 'name'])).stdout.trim().split('\n');
    for (const n of ['admin', 'cluster-admin', 'edit', 'view', 'system:aggregate-to-view', 'system:discovery'])
      assert.ok(names.includes(`clusterrole.rbac.authorization.k8s.io/${n}`), n);
    const admin = await role('cluster-admin');
    assert.deepEqual(admin.metadata.labels, {'kubernetes.io/bootstrapping': 'rbac-defaults'});
    assert.deepEqual(admin.metadata.annotations, {'rbac.authorization.kubernetes.io/autoupdate': 'true'});
    assert.deepEqual(admin.rules, [
      {verbs: ['*'], apiGroups: ['*'], resources: ['*']},
      {verbs: ['*'], nonResourceURLs: ['*']},
    ]);
    const binding = JSON.parse((await k(['get', 'clusterrolebinding', 'cluster-admin', '-o', 'json'])).stdout) as {
      subjects: unknown[];
    };
    assert.deepEqual(binding.subjects, [
      {apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:masters'},
    ]);
  });

  it('fills admin, edit and view as the aggregation controller does, selectors and labels included', async () => {
    const [view, edit, admin] = [await role('view'), await role('edit'), await role('admin')];
    assert.deepEqual(view.aggregationRule, {
      clusterRoleSelectors: [{matchLabels: {'rbac.authorization.k8s.io/aggregate-to-view': 'true'}}],
    });
    assert.equal(view.metadata.labels?.['rbac.authorization.k8s.io/aggregate-to-edit'], 'true');
    assert.equal(edit.metadata.labels?.['rbac.authorization.k8s.io/aggregate-to-admin'], 'true');
    // edit = system:aggregate-to-edit, then view (the selected roles sorted by name); admin = edit, then its own
    const toEdit = await role('system:aggregate-to-edit');
    assert.deepEqual(edit.rules, [...toEdit.rules, ...view.rules]);
    assert.deepEqual(admin.rules, [...edit.rules, ...(await role('system:aggregate-to-admin')).rules]);
    assert.deepEqual(edit.rules[0]!.resources, [
      'pods/attach',
      'pods/exec',
      'pods/portforward',
      'pods/proxy',
      'secrets',
      'services/proxy',
    ]);
  });

  it('decides impersonated requests from the stored roles', async () => {
    assert.equal((await k(['auth', 'can-i', 'list', 'pods', '--as=jane'])).stdout, 'no\n');
    assert.equal((await k(['create', 'rolebinding', 'jane-view', '--clusterrole=view', '--user=jane'])).code, 0);
    assert.equal((await k(['auth', 'can-i', 'list', 'pods', '--as=jane'])).stdout, 'yes\n');
    assert.equal((await k(['auth', 'can-i', 'get', 'secrets', '--as=jane'])).stdout, 'no\n');
  });
});
