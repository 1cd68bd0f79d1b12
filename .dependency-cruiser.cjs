/**
 * The dependency rules `npm test` enforces (npm run lint:deps). Layers are listed bottom-up; a module may import
 * its own layer and the layers below it, never one above. No import cycles anywhere.
 */
const SANDBOX = 'server/backends/sandbox';
/**
 * bottom-up: each layer imports only itself and earlier entries. `kit` (Clock, Disposable, keyOf, CommandIO, CLI
 * flags and tables) sits below `api` because the store runs on the Clock and hands out Disposables; `manifests` is
 * data with its loader and needs nothing. The controller framework and the kinds registry need the store, so they
 * live in `cluster` and `api`. See server/backends/sandbox/README.md.
 */
const SANDBOX_LAYERS = [
  'versions.ts',
  'kit',
  'manifests',
  'api',
  'cluster',
  'runtime',
  'mesh',
  'commands',
  'backend',
  'index.ts',
];

const layerRules = SANDBOX_LAYERS.slice(0, -1).map((layer, i) => ({
  name: `sandbox-layer-${layer}`,
  comment: `${SANDBOX}/${layer} may import only the layers below it: ${SANDBOX_LAYERS.slice(0, i).join(', ') || 'none'}`,
  severity: 'error',
  from: {path: `^${SANDBOX}/${layer.replace('.', '[.]')}`},
  to: {
    path: `^${SANDBOX}/(${SANDBOX_LAYERS.slice(i + 1)
      .map((l) => l.replace('.', '[.]'))
      .join('|')})`,
  },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'an import cycle: split the shared part into a module both can import',
      severity: 'error',
      from: {},
      to: {circular: true},
    },
    {
      name: 'core-is-platform-free',
      comment:
        'src/core is shared by the browser, the server and the runner: no Node modules, no packages with DOM or Node ties',
      severity: 'error',
      from: {path: '^src/core'},
      to: {dependencyTypes: ['core']},
    },
    {
      name: 'core-imports-only-core',
      comment: 'src/core imports nothing of the site or the server',
      severity: 'error',
      from: {path: '^src/core'},
      to: {path: '^(src/(?!core)|server)'},
    },
    {
      name: 'site-never-imports-server',
      comment: 'the site talks to the server over the wire protocol (src/core/protocol), never by import',
      severity: 'error',
      from: {path: '^src/(components|theme|pages)'},
      to: {path: '^server'},
    },
    {
      name: 'server-does-not-import-the-site',
      comment: 'the server reads the step manifests the site build writes; it shares only src/core with the site',
      severity: 'error',
      from: {path: '^server'},
      to: {path: '^src/(?!core)'},
    },
    {
      name: 'sandbox-reached-only-through-its-index',
      comment: 'the rest of the server uses the sandbox through its entry point',
      severity: 'error',
      from: {path: '^server/(?!backends/sandbox)'},
      to: {path: `^${SANDBOX}/(?!index[.]ts$)`},
    },
    ...layerRules,
    {
      name: 'sandbox-only-backend-composes',
      comment:
        'backend/ is the composition root: only it starts a cluster, a pod runtime or a mesh (their entry points); ' +
        'a layer gets what it needs of another passed in',
      severity: 'error',
      from: {path: `^${SANDBOX}/(?!backend/)([^/]+)/`},
      to: {
        path: `^${SANDBOX}/(cluster/(index|cluster-runtime)|runtime/(index|pod-runtime)|mesh/index)[.]ts$`,
        pathNot: `^${SANDBOX}/$1/`,
      },
    },
  ],
  options: {
    doNotFollow: {path: 'node_modules'},
    exclude: {path: '^(node_modules|build|[.]docusaurus)'},
    tsPreCompilationDeps: true,
    tsConfig: {fileName: 'tsconfig.server.json'},
    enhancedResolveOptions: {exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default']},
  },
};
