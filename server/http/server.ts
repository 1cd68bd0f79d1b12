/**
 * The lab server: one Node http server on one port for the static site, the JSON API, /healthz and the /ws
 * WebSocket. `startLabServer` is what the CLI, the unit tests and Playwright start (port 0 = any free port).
 *
 * Access (see server/auth/authorize.ts): every request must name an allowed Host; /api/* and /ws also need the
 * token and our own Origin; static pages are public. Refused upgrades get an HTTP response, never a socket.
 */
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {WebSocketServer} from 'ws';
import {checkHost, type AuthPolicy} from '../auth/authorize';
import {handleTokenLogin} from '../auth/token-login';
import {createBackend} from '../backends';
import {LOCAL_LEARNER, type Backend} from '../backends/types';
import {resolveOptions, type LabOptions, type LabOptionsInput} from '../config/options';
import {createLogger, type Logger} from '../config/logger';
import type {ManifestIndex, ProgressStore, StepEngine} from '../engine/types';
import {FileProgressStore} from '../progress/progress-store';
import type {TerminalSession} from '../sessions/types';
import {ClusterPictureSource} from '../cluster-picture/picture-source';
import {CatchUpService} from '../catch-up/service';
import {handleApi} from './api';
import {createStaticHandler} from './static-files';
import {refuseUpgrade, sendError, sendRefusal, SECURITY_HEADERS} from './respond';
import {SessionChannels, type SessionSource} from './session-channels';
import {defaultEngineFactory, defaultManifests, defaultSessions} from './default-wiring';
import {handleConnection} from './ws-connection';
import {startWorkshop, type RunningWorkshop} from '../workshop/start';
import {identify, type Identity} from '../workshop/identity';
import {handleWorkshopApi} from '../workshop/routes';
import type {AttendeeLimits} from '../isolation/isolated-shell';

/** Collaborators a caller may supply (tests inject fakes); each defaults to the real one built from the options. */
export interface LabServerDeps {
  logger?: Logger;
  /** a ready backend instance (the `backend` option only names one) */
  backendInstance?: Backend;
  manifests?: ManifestIndex;
  sessions?: SessionSource;
  createEngine?: (session: TerminalSession) => StepEngine | Promise<StepEngine>;
  progress?: ProgressStore & {dispose?(): Promise<void>};
  /** workshop mode: attendees' limits over the defaults (tests use a low output ceiling to reach it for sure) */
  attendeeLimits?: Partial<AttendeeLimits>;
  /** the cluster pictures behind /api/cluster (tests give one a clock of their own) */
  clusterPictures?: ClusterPictureSource;
}

export type StartLabServerOptions = LabOptionsInput & LabServerDeps;

/** The port could not be taken: a message for the learner, not a stack trace. */
export class ListenError extends Error {
  constructor(host: string, port: number, cause: NodeJS.ErrnoException) {
    super(
      cause.code === 'EADDRINUSE'
        ? `port ${port} on ${host} is already in use (another lab, or another program): stop it, or start with --port <another port> (0 picks a free one)`
        : cause.code === 'EACCES'
          ? `not allowed to listen on ${host}:${port}: use a port above 1023`
          : `cannot listen on ${host}:${port}: ${cause.message}`,
    );
  }
}

export interface LabServer {
  /** http://127.0.0.1:PORT/ (the loopback name, even when listening on all interfaces) */
  url: string;
  port: number;
  token: string;
  options: LabOptions;
  backend: Backend;
  /** workshop mode: the room's id, code and limits */
  workshop?: {id: string; code: string; capacity: number; expiresAt: number; notIsolated?: string};
  /** close every session (no process left behind), every socket, and the listener; idempotent */
  close(): Promise<void>;
}

/** The socket is closed after this many bad messages; the session stays. */
const MAX_BAD_MESSAGES = 100;
/**
 * ws's own maxPayload is the hard stop: a bigger frame is not even buffered and the socket closes with 1009.
 * It sits above maxMessageBytes so that a moderately oversized message (a big paste) gets a readable
 * `too-large` error frame and the socket and session carry on.
 */
const HARD_PAYLOAD_FACTOR = 4;

const DEP_KEYS = [
  'logger',
  'backendInstance',
  'manifests',
  'sessions',
  'createEngine',
  'progress',
  'clusterPictures',
  'attendeeLimits',
] as const;

export async function startLabServer(input: StartLabServerOptions = {}): Promise<LabServer> {
  const deps: LabServerDeps = {};
  const optionInput: Record<string, unknown> = {...input};
  for (const key of DEP_KEYS) {
    (deps as Record<string, unknown>)[key] = input[key];
    delete optionInput[key];
  }
  const options = resolveOptions(optionInput as LabOptionsInput);
  const logger = deps.logger ?? createLogger();
  const learner = LOCAL_LEARNER;

  const backend =
    deps.backendInstance ??
    (await createBackend(options.backend, {
      stateDir: options.stateDir,
      onProblem: (message, detail) => logger.warn(detail, message),
    }));
  const manifests = deps.manifests ?? (await defaultManifests(options));
  const progressStore = deps.progress ?? new FileProgressStore(options.stateDir, {logger});
  progressStore.snapshot(learner); // load now: a corrupt file is reported at start, not at the first attach
  // workshop mode: the room's state, the board, and (when isolation is possible) attendees' isolated shells
  let workshop: RunningWorkshop | undefined;
  try {
    workshop = options.workshop
      ? startWorkshop({options, backend, manifests, progress: progressStore, logger, limits: deps.attendeeLimits})
      : undefined;
  } catch (err) {
    await backend.dispose();
    throw err;
  }
  const sessions =
    deps.sessions ??
    defaultSessions(options, backend, logger, workshop?.shells && ((l, env) => workshop.shells!.prepare(l, env)));
  const channels = new SessionChannels({
    sessions,
    createEngine: deps.createEngine ?? defaultEngineFactory(backend, manifests),
    progress: workshop?.progress ?? progressStore,
    highWaterMark: options.highWaterMark,
    lowWaterMark: options.lowWaterMark,
  });

  const clusterPictures = deps.clusterPictures ?? new ClusterPictureSource(backend);
  const catchUp = new CatchUpService({backend, manifests, progress: workshop?.progress ?? progressStore, logger});
  const hub = workshop?.connect({channels, sessions, catchUp});
  const serveStatic = createStaticHandler(options.siteDir);
  // the port is only known after listen (port 0), so the policy is completed then
  const policy: AuthPolicy = {port: options.port, allowedHosts: options.allowedHosts, token: options.token};
  const identityContext = () => ({policy, workshop: workshop?.state, lan: options.workshop?.lan});

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxMessageBytes * HARD_PAYLOAD_FACTOR,
    perMessageDeflate: false, // keystroke latency matters more than bytes on loopback
    clientTracking: true,
  });

  const server = http.createServer((req, res) => {
    const url = requestUrl(req);
    if (!url) return sendError(res, 400, 'bad-request', 'malformed request URL');
    const host = checkHost(req, policy);
    if (!host.ok) return sendRefusal(res, host);

    if (url.pathname === '/healthz') {
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'Content-Type': 'text/plain; charset=utf-8',
        'Cache-Control': 'no-store',
      });
      res.end('ok\n');
      return;
    }
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
      const decision = identify(req, url, identityContext());
      if (hub && workshop && url.pathname.startsWith('/api/workshop/')) {
        // info and join are for people who are nobody yet; the rest checks the role itself
        const nobody = !decision.ok && (decision.code === 'token-required' || decision.code === 'bad-token');
        if (!decision.ok && !nobody) return sendRefusal(res, decision);
        handleWorkshopApi(req, res, url, decision.ok ? decision.who : undefined, {
          hub,
          limiter: workshop.limiter,
          port: policy.port,
          board: () => workshop.board.snapshot(),
          exportRows: () => workshop.board.exportRows(),
          now: Date.now,
        }).catch((err: unknown) => {
          logger.warn({err, path: url.pathname}, 'workshop request failed');
          if (!res.headersSent) sendError(res, 500, 'internal', 'the workshop request failed');
        });
        return;
      }
      if (!decision.ok) return sendRefusal(res, decision);
      if (decision.who.role === 'attendee' && !ATTENDEE_API.has(url.pathname))
        return sendError(res, 403, 'instructor-only', 'attendees cannot use this endpoint');
      return handleApi(req, res, url, {
        learner: decision.who.learner,
        role: decision.who.role,
        backend: backend.name,
        progress: workshop?.progress ?? progressStore,
        manifests,
        cluster: clusterPictures,
      });
    }
    if (url.pathname === '/ws') {
      return sendError(res, 426, 'upgrade-required', 'this is the lab WebSocket', {Upgrade: 'websocket'});
    }
    if ((req.method === 'GET' || req.method === 'HEAD') && handleTokenLogin(res, url, options.token, policy.port))
      return;
    serveStatic(req, res, url).catch((err) => {
      logger.warn({err, path: url.pathname}, 'static file failed');
      if (!res.headersSent) sendError(res, 500, 'internal', 'could not serve that file');
      else res.destroy();
    });
  });

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const url = requestUrl(req);
    const path = url?.pathname;
    if (!url || (path !== '/ws' && !(hub && (path === '/ws/board' || path === '/ws/watch'))))
      return refuseUpgrade(socket, 404, 'not-found', 'the lab WebSocket is at /ws');
    const decision = identify(req, url, identityContext());
    if (!decision.ok) {
      logger.warn(
        {code: decision.code, origin: req.headers.origin, host: req.headers.host},
        'refused a WebSocket upgrade',
      );
      return refuseUpgrade(socket, decision.status, decision.code, decision.reason);
    }
    const who: Identity = decision.who;
    if (path === '/ws/board' && who.role !== 'instructor')
      return refuseUpgrade(socket, 403, 'instructor-only', 'only the instructor sees the board');
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (hub && path === '/ws/board') return hub.boardSocket(ws);
      if (hub && path === '/ws/watch') return hub.watchSocket(ws, who, url);
      handleConnection(ws, {
        learner: who.learner,
        workshop: hub,
        backend: backend.name,
        channels,
        progress: progressStore,
        manifests,
        catchUp,
        registry: sessions,
        maxMessageBytes: options.maxMessageBytes,
        maxBadMessages: MAX_BAD_MESSAGES,
        logger,
      });
    });
  });

  server.on('clientError', (err, socket) => {
    logger.debug({err}, 'malformed HTTP request');
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      if (server.listening) server.close();
      // sessions first, so attached pages receive their `exit` frame before the sockets go
      await channels.closeAll();
      await workshop?.dispose();
      for (const ws of wss.clients) ws.close(1001, 'server shutting down');
      wss.close();
      await progressStore.dispose?.();
      await backend.dispose();
      server.closeAllConnections();
      logger.info('lab server stopped');
    })());

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    // nothing may outlive a failed start: the backend (a sandbox API, its command server) would keep the process up
    await close();
    throw new ListenError(options.host, options.port, err as NodeJS.ErrnoException);
  }
  const port = (server.address() as AddressInfo).port;
  policy.port = port;
  const url = `http://127.0.0.1:${port}/`;
  logger.info(
    {url, backend: backend.name, siteDir: options.siteDir, stateDir: options.stateDir},
    'lab server listening',
  );

  if (workshop) workshop.board.joinUrl = `http://${options.workshop?.joinHost ?? '127.0.0.1'}:${port}/join`;
  const room = workshop && {
    id: workshop.state.id,
    code: workshop.state.code,
    capacity: workshop.state.capacity,
    expiresAt: workshop.state.expiresAt,
    notIsolated: workshop.notIsolated,
  };
  return {url, port, token: options.token, options: {...options, port}, backend, workshop: room, close};
}

/** what an attendee's page may ask of /api (the rest is the instructor's) */
const ATTENDEE_API = new Set(['/api/status', '/api/progress', '/api/manifest', '/api/cluster']);

function requestUrl(req: http.IncomingMessage): URL | undefined {
  try {
    // the base is a placeholder: only path and query are used, and the Host header is checked separately
    return new URL(req.url ?? '/', 'http://lab.invalid');
  } catch {
    return undefined;
  }
}
