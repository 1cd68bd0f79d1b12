import type {KubeObject} from '../../api';
import type {ControllerContext, ControllerDef} from '../controller';
import {asObj, type J} from '../json';
import {isControlledBy, ownerKey} from '../owners';
import {isActive, isReady, isTerminating, phaseOf} from '../pod-state';
import {podFromTemplate} from '../pod-template';
import {nowStamp, setCondition, writeStatus} from '../status';
import {splitKey} from '../../kit/keys';

const SOURCE = {component: 'job-controller'};

/**
 * Job → pods run to completion (the kubelet's "complete" stage ends a Job's pod with exit code 0): keep
 * min(parallelism, remaining completions) pods active until `completions` have Succeeded, then Complete.
 * The selector and pod labels the API server would default on create (controller-uid, job-name) are filled in
 * on first sight, so `kubectl logs job/x` and `describe job` find the pods.
 */
export function jobController(ctx: ControllerContext): ControllerDef {
  const {store, kinds, clock, events} = ctx;
  return {
    name: 'job-controller',
    primary: kinds.jobs,
    secondary: [{type: kinds.pods, keys: (p) => ownerKey(p, 'Job')}],
    reconcile(key) {
      const {namespace, name} = splitKey(key);
      let job = store.get(kinds.jobs, namespace, name);
      if (!job || job.metadata.deletionTimestamp) return;
      let j = asObj(job);
      const uid = String(job.metadata.uid);
      const jobLabels = {
        'batch.kubernetes.io/controller-uid': uid,
        'batch.kubernetes.io/job-name': name,
        'controller-uid': uid,
        'job-name': name,
      };
      if (!j.spec?.selector && !j.spec?.manualSelector) {
        const template = {
          ...j.spec.template,
          metadata: {
            ...(j.spec.template?.metadata ?? {}),
            labels: {...(j.spec.template?.metadata?.labels ?? {}), ...jobLabels},
          },
        };
        job = store.update(kinds.jobs, {
          ...job,
          spec: {...j.spec, selector: {matchLabels: {'batch.kubernetes.io/controller-uid': uid}}, template},
        });
        j = asObj(job);
      }
      const done = (j.status?.conditions ?? []).some(
        (c: J) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
      );
      const completions = Number(j.spec?.completions ?? 1);
      const parallelism = Number(j.spec?.parallelism ?? 1);
      const pods = () => store.list(kinds.pods, {namespace}).items.filter((p) => isControlledBy(p, job!));
      const count = (list: KubeObject[]) => ({
        active: list.filter(isActive).length,
        succeeded: list.filter((p) => phaseOf(p) === 'Succeeded').length,
        failed: list.filter((p) => phaseOf(p) === 'Failed').length,
      });
      let c = count(pods());
      if (!done && !j.spec?.suspend) {
        const wantActive = Math.min(parallelism, completions - c.succeeded);
        for (let i = c.active; i < wantActive; i++) {
          const pod = store.create(kinds.pods, podFromTemplate(job, j.spec.template, {labels: jobLabels}));
          events.normal(job, 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, SOURCE);
        }
        c = count(pods());
      }
      const now = nowStamp(clock);
      const status: J = {
        ...(j.status ?? {}),
        startTime: j.status?.startTime ?? now,
        uncountedTerminatedPods: {},
        terminating: pods().filter(isTerminating).length,
        ready: pods().filter((p) => isActive(p) && isReady(p)).length,
      };
      if (c.active) status.active = c.active;
      else delete status.active;
      if (c.succeeded) status.succeeded = c.succeeded;
      if (c.failed) status.failed = c.failed;
      if (!done && c.succeeded >= completions) {
        status.completionTime = now;
        delete status.active;
        status.conditions = setCondition(
          status.conditions,
          {
            type: 'SuccessCriteriaMet',
            status: 'True',
            reason: 'CompletionsReached',
            message: 'Reached expected number of completions',
          },
          now,
          'job',
        );
        status.conditions = setCondition(
          status.conditions,
          {
            type: 'Complete',
            status: 'True',
            reason: 'CompletionsReached',
            message: 'Reached expected number of completions',
          },
          now,
          'job',
        );
        if (writeStatus(store, kinds.jobs, job, status)) events.normal(job, 'Completed', 'Job completed', SOURCE);
        return;
      }
      writeStatus(store, kinds.jobs, job, status);
    },
  };
}
