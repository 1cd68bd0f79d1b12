import type {Config, Plugin} from '@docusaurus/types';
import type * as Preset from '@docusaurus/preset-classic';
import {themes as prismThemes} from 'prism-react-renderer';
import {createRequire} from 'node:module';
import type stepsPluginType from './src/remark/steps-plugin';
import {MANIFEST_DIR} from './src/core/steps/types';
import {resolveVersions} from './src/core/versions';

// The remark plugin that turns step blocks into <Step/> components and writes the step manifests the server and
// runner read. It and the shared core are ESM TypeScript run by tsx everywhere else; Docusaurus loads this config
// through jiti, whose default-export interop breaks named imports such as `import {z} from 'zod'` (z is undefined).
// So the plugin is loaded with tsx, as the server and the tests load it.
function loadStepsPlugin(): typeof stepsPluginType {
  // Node's own require (jiti must not load tsx), then tsx's require hook for the plugin and everything it imports.
  const nativeRequire = createRequire(import.meta.url);
  const tsx = nativeRequire('tsx/cjs/api') as typeof import('tsx/cjs/api');
  const mod = tsx.require('./src/remark/steps-plugin.ts', import.meta.url) as {default: typeof stepsPluginType};
  return mod.default;
}

/**
 * package.json says "type": "module", which Docusaurus's bundling does not expect:
 * - the generated `.docusaurus/*.js` files (the route registry uses `require.resolveWeak`) must be "auto" modules,
 *   not strict ESM, or the bundler leaves those calls in place;
 * - the server bundle used for static rendering is CommonJS: a `package.json` next to it says so to Node.
 */
/** the slice of the bundler's compilation the marker uses (rspack and webpack agree on it) */
interface Compilation {
  hooks: {processAssets: {tap(opts: {name: string; stage: number}, fn: () => void): void}};
  emitAsset(file: string, source: unknown): void;
}

function esmPackageSupport(context: {generatedFilesDir: string}): Plugin {
  return {
    name: 'ambient-lab-esm-package-support',
    configureWebpack(_config, isServer, {currentBundler}) {
      const {sources} = currentBundler.instance;
      const markCommonJs = {
        apply(compiler: {hooks: {thisCompilation: {tap(name: string, fn: (compilation: Compilation) => void): void}}}) {
          compiler.hooks.thisCompilation.tap('ambient-lab-commonjs-marker', (compilation) => {
            compilation.hooks.processAssets.tap({name: 'ambient-lab-commonjs-marker', stage: 0}, () => {
              compilation.emitAsset('package.json', new sources.RawSource('{"type": "commonjs"}\n'));
            });
          });
        },
      };
      return {
        module: {rules: [{test: /\.js$/, include: [context.generatedFilesDir], type: 'javascript/auto'}]},
        ...(isServer ? {plugins: [markCommonJs]} : {}),
      };
    },
  };
}

export default async function createConfig(): Promise<Config> {
  const stepsPlugin = loadStepsPlugin();
  return {
    title: 'Ambient Lab',
    tagline: 'Learn Istio ambient mode on k3d by running every step',
    favicon: 'img/favicon.svg',

    future: {v4: true, faster: true},

    url: 'http://127.0.0.1',
    baseUrl: '/',
    trailingSlash: false,

    // The pinned upstream versions with LAB_VERSION_* overrides applied, for <Versions /> and <Version /> in the
    // browser; the steps get the same values from the remark plugin (src/remark/extract-steps.ts).
    customFields: {versions: {...resolveVersions(process.env)}},

    onBrokenLinks: 'throw',
    markdown: {
      mermaid: true,
      hooks: {onBrokenMarkdownLinks: 'throw'},
    },

    i18n: {
      defaultLocale: 'en',
      locales: ['en', 'ko'],
      localeConfigs: {
        en: {label: 'English', htmlLang: 'en-US', direction: 'ltr'},
        ko: {label: '한국어', htmlLang: 'ko-KR', direction: 'ltr'},
      },
    },

    presets: [
      [
        'classic',
        {
          docs: {
            routeBasePath: '/docs',
            sidebarPath: './sidebars.ts',
            remarkPlugins: [[stepsPlugin, {manifestDir: MANIFEST_DIR}]],
          },
          blog: false,
          theme: {customCss: './src/css/custom.css'},
        } satisfies Preset.Options,
      ],
    ],

    plugins: [esmPackageSupport],

    themes: [
      '@docusaurus/theme-mermaid',
      [
        '@easyops-cn/docusaurus-search-local',
        {
          hashed: true,
          language: ['en', 'ko'],
          indexBlog: false,
          docsRouteBasePath: '/docs',
          highlightSearchTermsOnTargetPage: true,
          // the step cards' controls ("Run", "Not run yet", "Checks"...) are not content: keep them out of snippets
          ignoreCssSelectors: ['.lab-noindex'],
        },
      ],
    ],

    themeConfig: {
      image: 'img/logo.svg',
      colorMode: {respectPrefersColorScheme: true},
      navbar: {
        title: 'Ambient Lab',
        logo: {alt: 'Ambient Lab', src: 'img/logo.svg'},
        items: [
          {type: 'docSidebar', sidebarId: 'lab', position: 'left', label: 'Tutorial'},
          {type: 'localeDropdown', position: 'right'},
        ],
      },
      footer: {
        style: 'dark',
        links: [
          {
            title: 'Tutorial',
            items: [{label: 'Before you begin', to: '/docs/before-you-begin'}],
          },
        ],
        copyright: 'Ambient Lab — an executable walkthrough of Istio ambient mode. Runs entirely on your machine.',
      },
      prism: {
        theme: prismThemes.github,
        darkTheme: prismThemes.dracula,
        additionalLanguages: ['bash', 'yaml', 'json'],
      },
      mermaid: {theme: {light: 'neutral', dark: 'dark'}},
    } satisfies Preset.ThemeConfig,
  };
}
