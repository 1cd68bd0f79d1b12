/**
 * `<ClusterPicture />`: the learner's cluster as it is now — the nodes, the pods on each, every namespace's
 * data-plane mode — and, in the sandbox, the hops of the last request through the mesh. Read from `GET /api/cluster`
 * (kubectl with the learner's own environment). On a page (variant "page", the MDX default) it follows the site's
 * theme; in the terminal dock (variant "dock") it sits beside the terminal on every page.
 *
 * Test hooks: `[data-testid=cluster-picture][data-state=loading|ready|empty|failed]`, `cluster-node[data-node]`,
 * `cluster-pod[data-pod=ns/name][data-hop]`, `cluster-namespace[data-mode]`, `cluster-path`.
 */
import React, {useEffect, useRef, useState, type ReactNode} from 'react';
import clsx from 'clsx';
import useIsBrowser from '@docusaurus/useIsBrowser';
import {translate} from '@docusaurus/Translate';
import type {
  ClusterNamespace,
  ClusterNode,
  ClusterPicture as Picture,
  ClusterPod,
  RequestPath,
} from '@site/src/core/protocol/cluster-picture';
import {useLab} from '@site/src/components/LabProvider';
import {failureLabel, hopLabel, modeLabel, roleLabel, unavailableLabel} from './labels';
import {useClusterPicture} from './use-cluster-picture';
import styles from './styles.module.css';

export interface ClusterPictureProps {
  variant?: 'page' | 'dock';
}

/** Kubernetes' own namespaces: their pods are hidden until asked for, so the tutorial's pods stand out */
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage']);
/** pods whose names say what they are (ztunnel, istiod, coredns): their namespace is left off the chip */
const PLATFORM_NAMESPACES = new Set([...SYSTEM_NAMESPACES, 'istio-system']);
const SHOW_SYSTEM_KEY = 'ambient-lab:cluster-show-system';

export default function ClusterPicture({variant = 'page'}: ClusterPictureProps): ReactNode {
  const isBrowser = useIsBrowser();
  // the server render has no cluster: an empty frame of the same look keeps the layout from jumping
  if (!isBrowser)
    return (
      <section className={clsx(styles.picture, styles[variant])} data-testid="cluster-picture" data-state="loading" />
    );
  return <LivePicture variant={variant} />;
}

function LivePicture({variant}: Required<ClusterPictureProps>): ReactNode {
  const lab = useLab();
  const root = useRef<HTMLElement>(null);
  const inView = useInView(root, variant === 'dock');
  const {read, loading, refresh} = useClusterPicture(inView);
  const [showSystem, setShowSystem] = useState(false);

  // on a page, the picture needs the lab's socket to hear about finished commands
  const {activate} = lab;
  useEffect(() => activate(), [activate]);
  useEffect(() => setShowSystem(readFlag(SHOW_SYSTEM_KEY)), []);

  const toggleSystem = () => {
    setShowSystem((v) => {
      writeFlag(SHOW_SYSTEM_KEY, !v);
      return !v;
    });
  };

  const state = !read ? 'loading' : !read.ok ? 'failed' : read.picture.unavailable ? 'empty' : 'ready';
  const title = translate({id: 'lab.cluster.title', message: 'Cluster'});

  return (
    <section
      ref={root}
      className={clsx(styles.picture, styles[variant])}
      data-testid="cluster-picture"
      data-state={state}
      aria-label={title}
    >
      <header className={styles.head}>
        {variant === 'page' && <span className={styles.title}>{title}</span>}
        {read?.ok && !read.picture.unavailable && <Summary picture={read.picture} />}
        <span className={styles.spacer} />
        <label className={styles.toggle}>
          <input type="checkbox" checked={showSystem} onChange={toggleSystem} />
          {translate({id: 'lab.cluster.showSystem', message: 'kube-system pods'})}
        </label>
        <button
          type="button"
          className={clsx(styles.refresh, loading && styles.spinning)}
          onClick={refresh}
          title={translate({id: 'lab.cluster.refresh', message: 'Read the cluster again'})}
          aria-label={translate({id: 'lab.cluster.refresh', message: 'Read the cluster again'})}
        >
          <svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
            <path
              d="M13.5 8a5.5 5.5 0 1 1-1.6-3.9"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.6"
              strokeLinecap="round"
            />
            <path
              d="M12.5 1.5v3h-3"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.6"
              strokeLinecap="round"
              strokeLinejoin="round"
            />
          </svg>
        </button>
      </header>
      {!read && (
        <p className={styles.message}>{translate({id: 'lab.cluster.loading', message: 'Reading the cluster…'})}</p>
      )}
      {read && !read.ok && (
        <p className={styles.message} role="status">
          {failureLabel(read.failure)}
        </p>
      )}
      {read?.ok && read.picture.unavailable && (
        <div className={styles.message} role="status">
          <p>{unavailableLabel(read.picture.unavailable.code)}</p>
          <code className={styles.detail}>{read.picture.unavailable.message}</code>
        </div>
      )}
      {read?.ok && !read.picture.unavailable && <Cluster picture={read.picture} showSystem={showSystem} />}
    </section>
  );
}

function Summary({picture}: {picture: Picture}): ReactNode {
  const pods = picture.nodes.reduce((n, node) => n + node.pods.length, picture.unscheduled.length);
  return (
    <span className={styles.summary}>
      {translate(
        {
          id: 'lab.cluster.summary',
          message: '{nodes} nodes · {pods} pods',
          description: 'counts shown in the picture header',
        },
        {nodes: picture.nodes.length, pods},
      )}
    </span>
  );
}

function Cluster({picture, showSystem}: {picture: Picture; showSystem: boolean}): ReactNode {
  const visible = (pod: ClusterPod) => showSystem || !SYSTEM_NAMESPACES.has(pod.namespace);
  const hops = hopsByPod(picture.lastRequest);
  return (
    <>
      <Namespaces namespaces={picture.namespaces.filter((n) => shownNamespace(n, picture))} />
      {picture.lastRequest && <PathStrip path={picture.lastRequest} />}
      <div className={styles.nodes}>
        {picture.nodes.map((node) => (
          <NodeCard
            key={node.name}
            node={node}
            pods={node.pods.filter(visible)}
            hidden={node.pods.length - node.pods.filter(visible).length}
            hops={hops}
          />
        ))}
      </div>
      <ul className={styles.legend} aria-hidden="true">
        {(['sidecar', 'ambient', 'waypoint', 'ztunnel'] as const).map((role) => (
          <li key={role} className={clsx(styles.legendItem, styles[`role-${role}`])}>
            {roleLabel(role)}
          </li>
        ))}
      </ul>
      {picture.unscheduled.length > 0 && (
        <div className={styles.unscheduled}>
          <span className={styles.unscheduledLabel}>
            {translate({id: 'lab.cluster.unscheduled', message: 'Not on a node yet'})}
          </span>
          {picture.unscheduled.filter(visible).map((pod) => (
            <PodChip key={`${pod.namespace}/${pod.name}`} pod={pod} hops={hops} />
          ))}
        </div>
      )}
    </>
  );
}

/** the namespaces worth a badge: in the mesh, or the learner's own (not Kubernetes' or Istio's) */
function shownNamespace(ns: ClusterNamespace, picture: Picture): boolean {
  if (ns.mode !== 'none') return true;
  if (SYSTEM_NAMESPACES.has(ns.name) || ns.name === 'istio-system') return false;
  return (
    picture.nodes.some((n) => n.pods.some((p) => p.namespace === ns.name)) ||
    picture.unscheduled.some((p) => p.namespace === ns.name)
  );
}

function Namespaces({namespaces}: {namespaces: ClusterNamespace[]}): ReactNode {
  if (!namespaces.length) return null;
  return (
    <ul
      className={styles.namespaces}
      aria-label={translate({id: 'lab.cluster.namespaces', message: 'Namespaces and their data-plane mode'})}
    >
      {namespaces.map((ns) => (
        <li
          key={ns.name}
          className={clsx(styles.ns, styles[modeClass(ns.mode)])}
          data-testid="cluster-namespace"
          data-namespace={ns.name}
          data-mode={ns.mode}
        >
          <span className={styles.nsName}>{ns.name}</span>
          <span className={styles.nsMode}>
            {modeLabel(ns.mode)}
            {ns.waypoint && ns.waypoint !== 'waypoint' ? ` (${ns.waypoint})` : ''}
          </span>
        </li>
      ))}
    </ul>
  );
}

function PathStrip({path}: {path: RequestPath}): ReactNode {
  const ok = typeof path.result === 'number' && path.result < 400;
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(path.at)) / 1000));
  return (
    <div className={styles.path} data-testid="cluster-path">
      <div className={styles.pathHead}>
        <span className={styles.pathLabel}>{translate({id: 'lab.cluster.path.title', message: 'Last request'})}</span>
        <code className={styles.pathUrl}>
          {path.method} {path.url}
        </code>
        <span className={clsx(styles.result, ok ? styles.resultOk : styles.resultBad)}>{String(path.result)}</span>
        <span className={styles.ago}>
          {translate({id: 'lab.cluster.path.ago', message: '{seconds} s ago'}, {seconds})}
        </span>
      </div>
      <ol className={styles.hops}>
        <li className={styles.hop} title={`${path.from.namespace}/${path.from.pod}`}>
          <span className={styles.hopKind}>{translate({id: 'lab.cluster.path.from', message: 'client'})}</span>
          <span className={styles.hopPod}>{path.from.pod}</span>
        </li>
        {path.hops.map((hop, i) => (
          <React.Fragment key={i}>
            <li className={styles.arrow} aria-hidden="true">
              →
            </li>
            <li
              className={clsx(styles.hop, styles[`hop-${hop.kind}`])}
              title={`${hop.namespace}/${hop.pod}${hop.node ? ` @ ${hop.node}` : ''}`}
            >
              <span className={styles.hopIndex}>{i + 1}</span>
              <span className={styles.hopKind}>{hopLabel(hop.kind)}</span>
              {/* the client's own sidecar needs no name again; a ztunnel is known by its node */}
              {hop.pod !== path.from.pod && (
                <span className={styles.hopPod}>
                  {hop.kind.startsWith('ztunnel') && hop.node ? shortNode(hop.node) : hop.pod}
                </span>
              )}
            </li>
          </React.Fragment>
        ))}
      </ol>
    </div>
  );
}

function NodeCard({
  node,
  pods,
  hidden,
  hops,
}: {
  node: ClusterNode;
  pods: ClusterPod[];
  hidden: number;
  hops: Map<string, number[]>;
}): ReactNode {
  return (
    <div
      className={clsx(styles.node, !node.ready && styles.nodeNotReady)}
      data-testid="cluster-node"
      data-node={node.name}
      data-ready={node.ready}
    >
      <div className={styles.nodeHead} title={node.name}>
        <span className={clsx(styles.dot, node.ready ? styles.dotReady : styles.dotNotReady)} aria-hidden="true" />
        <span className={styles.nodeName}>{shortNode(node.name)}</span>
        <span className={styles.nodeRole}>
          {node.role === 'control-plane'
            ? translate({id: 'lab.cluster.node.controlPlane', message: 'control plane'})
            : translate({id: 'lab.cluster.node.agent', message: 'agent'})}
        </span>
      </div>
      <ul className={styles.pods}>
        {pods.map((pod) => (
          <PodChip key={`${pod.namespace}/${pod.name}`} pod={pod} hops={hops} />
        ))}
        {pods.length === 0 && (
          <li className={styles.noPods}>{translate({id: 'lab.cluster.node.noPods', message: 'no pods'})}</li>
        )}
      </ul>
      {hidden > 0 && (
        <span className={styles.hiddenCount}>
          {translate({id: 'lab.cluster.node.hidden', message: '+{count} kube-system'}, {count: hidden})}
        </span>
      )}
    </div>
  );
}

function PodChip({pod, hops}: {pod: ClusterPod; hops: Map<string, number[]>}): ReactNode {
  const key = `${pod.namespace}/${pod.name}`;
  const onPath = hops.get(key);
  const tip = `${key}\n${roleLabel(pod.role)} · ${pod.status} · ${pod.readyContainers}/${pod.totalContainers}`;
  return (
    <li
      className={clsx(
        styles.pod,
        styles[`role-${pod.role}`],
        !pod.ready && styles.podNotReady,
        onPath && styles.onPath,
      )}
      data-testid="cluster-pod"
      data-pod={key}
      data-ready={pod.ready}
      data-hop={onPath?.join(',')}
      title={tip}
    >
      {!PLATFORM_NAMESPACES.has(pod.namespace) && <span className={styles.podNs}>{pod.namespace}/</span>}
      <span className={styles.podName}>{pod.name}</span>
      <span className={styles.podReady}>
        {pod.readyContainers}/{pod.totalContainers}
      </span>
      {pod.status !== 'Running' && <span className={styles.podStatus}>{pod.status}</span>}
      {onPath?.map((n) => (
        <span key={n} className={styles.podHop}>
          {n}
        </span>
      ))}
    </li>
  );
}

/** pod -> its 1-based positions on the last request's path (a ztunnel can be crossed twice) */
function hopsByPod(path: RequestPath | undefined): Map<string, number[]> {
  const out = new Map<string, number[]>();
  path?.hops.forEach((hop, i) => {
    const key = `${hop.namespace}/${hop.pod}`;
    out.set(key, [...(out.get(key) ?? []), i + 1]);
  });
  return out;
}

function modeClass(mode: string): string {
  return `mode-${mode.replace('+', '-')}`;
}

/** k3d names nodes k3d-<cluster>-server-0 / -agent-N: the role and number are what a learner tells apart */
function shortNode(name: string): string {
  return /^k3d-.+-((?:server|agent)-\d+)$/.exec(name)?.[1] ?? name;
}

/** whether the element is on screen (the dock's panel is, whenever it is mounted) */
function useInView(ref: React.RefObject<HTMLElement | null>, always: boolean): boolean {
  const [inView, setInView] = useState(always);
  useEffect(() => {
    if (always || !ref.current || typeof IntersectionObserver === 'undefined') {
      setInView(true);
      return;
    }
    const observer = new IntersectionObserver((entries) => setInView(entries.some((e) => e.isIntersecting)));
    observer.observe(ref.current);
    return () => observer.disconnect();
  }, [ref, always]);
  return inView;
}

function readFlag(key: string): boolean {
  try {
    return window.localStorage.getItem(key) === 'true';
  } catch {
    return false;
  }
}

function writeFlag(key: string, value: boolean): void {
  try {
    window.localStorage.setItem(key, String(value));
  } catch {
    // storage disabled: the choice lasts until reload
  }
}
