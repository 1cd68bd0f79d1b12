import type {CronJob, CronJobStatus, Job} from 'kubernetes-types/batch/v1';
import type {KubeObject, Typed} from '../../api';
import type {ControllerContext, ControllerDef} from '../controller';
import {parseCron} from '../cron-schedule';
import {clone} from '../json';
import {controllerRef, isControlledBy, ownerKey} from '../owners';
import {writeStatus} from '../status';
import {splitKey} from '../../kit/keys';
import {timestamp} from '../../api';

const SOURCE = {component: 'cronjob-controller'};

const finished = (job: KubeObject): string | undefined =>
  ((job as Typed<Job>).status?.conditions ?? []).find(
    (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
  )?.type;

/**
 * CronJob → Jobs on schedule (k8s v1.31 pkg/controller/cronjob/cronjob_controllerv2.go, on the injected clock):
 * at each scheduled minute (UTC) a Job `<name>-<minutes since the epoch>` from the jobTemplate, unless suspended,
 * past startingDeadlineSeconds, or held back by concurrencyPolicy (Forbid skips, Replace deletes the running
 * one); finished Jobs leave `status.active` ("SawCompletedJob") and beyond the history limits (3 succeeded,
 * 1 failed) are deleted, oldest first. Only the most recent missed time runs, as upstream does.
 */
export function cronJobController(ctx: ControllerContext): ControllerDef {
  const {store, kinds, clock, events} = ctx;
  return {
    name: 'cronjob-controller',
    primary: kinds.cronjobs,
    secondary: [{type: kinds.jobs, keys: (j) => ownerKey(j, 'CronJob')}],
    reconcile(key) {
      const {namespace, name} = splitKey(key);
      const found = store.get(kinds.cronjobs, namespace, name);
      if (!found || found.metadata.deletionTimestamp) return;
      const cj: KubeObject = found;
      const c = cj as Typed<CronJob>;
      const now = clock.now().getTime();
      const jobs = store.list(kinds.jobs, {namespace}).items.filter((j) => isControlledBy(j, cj));
      const status: CronJobStatus = {...(c.status ?? {})};
      // finished Jobs leave the active list
      const active = new Set((status.active ?? []).map((r) => r.uid));
      for (const j of jobs) {
        const done = finished(j);
        if (done && active.has(j.metadata.uid)) {
          active.delete(j.metadata.uid);
          events.normal(cj, 'SawCompletedJob', `Saw completed job: ${j.metadata.name}, condition: ${done}`, SOURCE);
          if (done === 'Complete') {
            const t = (j as Typed<Job>).status?.completionTime;
            if (t && (!status.lastSuccessfulTime || t > status.lastSuccessfulTime)) status.lastSuccessfulTime = t;
          }
        } else if (!done) active.add(j.metadata.uid);
      }
      const refs = () =>
        jobs
          .filter((j) => active.has(j.metadata.uid) && store.get(kinds.jobs, namespace, j.metadata.name!))
          .map((j) => ({
            apiVersion: 'batch/v1',
            kind: 'Job',
            name: j.metadata.name,
            namespace,
            resourceVersion: j.metadata.resourceVersion,
            uid: j.metadata.uid,
          }));
      pruneHistory(jobs);

      let schedule;
      try {
        schedule = parseCron(String(c.spec?.schedule ?? ''));
      } catch (e) {
        events.warning(
          cj,
          'UnparseableSchedule',
          `unparseable schedule: "${c.spec?.schedule}" : ${(e as Error).message}`,
          SOURCE,
        );
        return;
      }
      const since = Date.parse(status.lastScheduleTime ?? cj.metadata.creationTimestamp ?? '') || now;
      // the most recent scheduled time not yet run, if any
      let due: number | undefined;
      for (let t = schedule.next(since), n = 0; t !== undefined && t <= now && n < 10_000; t = schedule.next(t), n++)
        due = t;
      const deadline = c.spec?.startingDeadlineSeconds;
      if (due !== undefined && !c.spec?.suspend && !(deadline != null && due + Number(deadline) * 1000 < now)) {
        const policy = c.spec?.concurrencyPolicy ?? 'Allow';
        const running = refs();
        if (policy === 'Forbid' && running.length) {
          // skipped: tried again at the next schedule
        } else {
          if (policy === 'Replace')
            for (const r of running) {
              store.delete(kinds.jobs, namespace, r.name!, {propagationPolicy: 'Background'});
              active.delete(r.uid);
              events.normal(cj, 'SuccessfulDelete', `Deleted job ${r.name}`, SOURCE);
            }
          const jobName = `${name}-${Math.floor(due / 60_000)}`;
          if (!store.get(kinds.jobs, namespace, jobName)) {
            const template = clone(c.spec?.jobTemplate ?? {});
            const job = store.create(kinds.jobs, {
              apiVersion: 'batch/v1',
              kind: 'Job',
              metadata: {
                name: jobName,
                namespace,
                labels: template.metadata?.labels,
                annotations: {
                  ...(template.metadata?.annotations ?? {}),
                  'batch.kubernetes.io/cronjob-scheduled-timestamp': timestamp(new Date(due)),
                },
                ownerReferences: [controllerRef(cj)],
              },
              spec: template.spec ?? {},
            });
            jobs.push(job);
            active.add(job.metadata.uid);
            events.normal(cj, 'SuccessfulCreate', `Created job ${jobName}`, SOURCE);
          }
        }
        status.lastScheduleTime = timestamp(new Date(due));
      }
      const list = refs();
      if (list.length) status.active = list;
      else delete status.active;
      writeStatus(store, kinds.cronjobs, cj, status);
      const next = schedule.next(now);
      return next === undefined ? undefined : {requeueAfterMs: next - now + 100};

      function pruneHistory(all: KubeObject[]): void {
        for (const [type, limit] of [
          ['Complete', c.spec?.successfulJobsHistoryLimit ?? 3],
          ['Failed', c.spec?.failedJobsHistoryLimit ?? 1],
        ] as const) {
          const done = all
            .filter((j) => finished(j) === type)
            .sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)));
          for (const j of done.slice(0, Math.max(0, done.length - Number(limit)))) {
            store.delete(kinds.jobs, namespace, j.metadata.name!, {propagationPolicy: 'Background'});
            events.normal(cj, 'SuccessfulDelete', `Deleted job ${j.metadata.name}`, SOURCE);
          }
        }
      }
    },
  };
}
