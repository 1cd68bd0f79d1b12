import type {Job, JobStatus} from 'kubernetes-types/batch/v1';
import type {Pod} from 'kubernetes-types/core/v1';
import type {KubeObject, Typed} from '../../api';
import type {ControllerContext, ControllerDef} from '../controller';
import {isControlledBy, ownerKey} from '../owners';
import {isActive, isReady, isTerminating, phaseOf} from '../pod-state';
import {podFromTemplate} from '../pod-template';
import {nowStamp, setCondition, writeStatus} from '../status';
import {splitKey} from '../../kit/keys';

const SOURCE = {component: 'job-controller'};

/**
 * Job → pods run to completion (the kubelet's "exit" stage ends them with their command's exit code; 0 when
 * the command says nothing): keep min(parallelism, remaining completions) pods active until `completions` have
 * Succeeded, then Complete. A failed pod is replaced after the pod failure back-off; more failures than
 * backoffLimit (or, for OnFailure pods, as many container restarts) fail the Job: BackoffLimitExceeded.
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
      let j = job as Typed<Job>;
      const uid = String(job.metadata.uid);
      const jobLabels = {
        'batch.kubernetes.io/controller-uid': uid,
        'batch.kubernetes.io/job-name': name,
        'controller-uid': uid,
        'job-name': name,
      };
      if (!j.spec?.selector && !j.spec?.manualSelector) {
        const template = {
          ...j.spec?.template,
          metadata: {
            ...(j.spec?.template?.metadata ?? {}),
            labels: {...(j.spec?.template?.metadata?.labels ?? {}), ...jobLabels},
          },
        };
        job = store.update(kinds.jobs, {
          ...job,
          spec: {...j.spec, selector: {matchLabels: {'batch.kubernetes.io/controller-uid': uid}}, template},
        });
        j = job as Typed<Job>;
      }
      const done = (j.status?.conditions ?? []).some(
        (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
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
      const backoffLimit = Number(j.spec?.backoffLimit ?? 6);
      // OnFailure pods restart in place: their containers' restarts count as failures (pastBackoffLimitOnFailure)
      const restarts = pods()
        .filter(isActive)
        .reduce((n, p) => n + restartsOf(p), 0);
      const overLimit =
        !done &&
        (c.failed > backoffLimit ||
          (j.spec?.template?.spec?.restartPolicy === 'OnFailure' && backoffLimit > 0 && restarts >= backoffLimit));
      let requeueAfterMs: number | undefined;
      if (!done && !overLimit && !j.spec?.suspend) {
        const wantActive = Math.min(parallelism, completions - c.succeeded);
        // a failed pod is replaced after the job's pod failure back-off: 10 s, doubling per failure, at most 10 min
        const wait = c.failed ? lastFailure(pods()) + failureBackOffMs(c.failed) - clock.now().getTime() : 0;
        if (c.active < wantActive && wait > 0) requeueAfterMs = wait;
        else
          for (let i = c.active; i < wantActive; i++) {
            const pod = store.create(kinds.pods, podFromTemplate(job, j.spec?.template, {labels: jobLabels}));
            events.normal(job, 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`, SOURCE);
          }
        c = count(pods());
      }
      if (overLimit) {
        // the job controller deletes what still runs, then marks the Job Failed (k8s v1.31 job_controller.go)
        for (const p of pods().filter(isActive)) {
          store.delete(kinds.pods, namespace, p.metadata.name!);
          events.normal(job, 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`, SOURCE);
        }
        c = count(pods());
        const now = nowStamp(clock);
        const message = 'Job has reached the specified backoff limit';
        const status: JobStatus = {
          ...(j.status ?? {}),
          startTime: j.status?.startTime ?? now,
          uncountedTerminatedPods: {},
        };
        delete status.active;
        status.ready = 0;
        status.terminating = pods().filter(isTerminating).length;
        if (c.succeeded) status.succeeded = c.succeeded;
        if (c.failed) status.failed = c.failed;
        for (const type of ['FailureTarget', 'Failed'])
          status.conditions = setCondition(
            status.conditions,
            {type, status: 'True', reason: 'BackoffLimitExceeded', message},
            now,
            'job',
          );
        if (writeStatus(store, kinds.jobs, job, status)) events.warning(job, 'BackoffLimitExceeded', message, SOURCE);
        return;
      }
      const now = nowStamp(clock);
      const status: JobStatus = {
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
      return requeueAfterMs ? {requeueAfterMs} : undefined;
    },
  };
}

const restartsOf = (p: KubeObject): number =>
  [
    ...((p as Typed<Pod>).status?.containerStatuses ?? []),
    ...((p as Typed<Pod>).status?.initContainerStatuses ?? []),
  ].reduce((n, s) => n + Number(s.restartCount ?? 0), 0);

/** when the newest failed pod's containers finished */
function lastFailure(pods: KubeObject[]): number {
  let last = 0;
  for (const p of pods)
    if (phaseOf(p) === 'Failed')
      for (const s of (p as Typed<Pod>).status?.containerStatuses ?? [])
        last = Math.max(last, Date.parse(s.state?.terminated?.finishedAt ?? '') || 0);
  return last;
}

/** pkg/controller/job: DefaultJobPodFailureBackOff 10 s, doubled per failure, MaxJobPodFailureBackOff 10 min */
const failureBackOffMs = (failures: number) => Math.min(10_000 * 2 ** Math.max(0, failures - 1), 600_000);
