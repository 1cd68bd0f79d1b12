/** The home page: what the lab is, what it needs, and how to start it. */
import React, {type ReactNode} from 'react';
import clsx from 'clsx';
import Link from '@docusaurus/Link';
import useBaseUrl from '@docusaurus/useBaseUrl';
import Layout from '@theme/Layout';
import CodeBlock from '@theme/CodeBlock';
import Translate, {translate} from '@docusaurus/Translate';
import styles from './index.module.css';

const FIRST_PAGE = '/docs/before-you-begin';

function Hero(): ReactNode {
  const logo = useBaseUrl('/img/logo.svg');
  return (
    <header className={styles.hero}>
      <div className={clsx('container', styles.heroInner)}>
        <img src={logo} alt="" className={styles.heroLogo} width={72} height={72} />
        <h1 className={styles.heroTitle}>Ambient Lab</h1>
        <p className={styles.heroTagline}>
          <Translate id="home.tagline">
            Learn Istio ambient mode on a k3d cluster by doing it: every command on the page runs in a real terminal
            beside it, and checks itself.
          </Translate>
        </p>
        <div className={styles.heroActions}>
          <Link className="button button--primary button--lg" to={FIRST_PAGE}>
            <Translate id="home.cta">Start with “Before you begin”</Translate>
          </Link>
          <a className="button button--secondary button--lg" href="#start">
            <Translate id="home.cta.howto">How to start the lab</Translate>
          </a>
        </div>
      </div>
    </header>
  );
}

interface Feature {
  title: ReactNode;
  body: ReactNode;
  icon: ReactNode;
}

const FEATURES: Feature[] = [
  {
    icon: <span aria-hidden="true">▶</span>,
    title: <Translate id="home.feature.run.title">Press Run, or type it yourself</Translate>,
    body: (
      <Translate id="home.feature.run.body">
        Each step is a command with a Run button. It goes to the terminal docked at the bottom of the page, a real bash
        shell on your machine. Typing the same command by hand counts just as well.
      </Translate>
    ),
  },
  {
    icon: <span aria-hidden="true">✓</span>,
    title: <Translate id="home.feature.check.title">Every step checks itself</Translate>,
    body: (
      <Translate id="home.feature.check.body">
        A step knows its expected exit code and output, and waits for things that take time, such as Pods becoming
        Ready. When something is off, it shows what it expected and what it got.
      </Translate>
    ),
  },
  {
    icon: <span aria-hidden="true">↻</span>,
    title: <Translate id="home.feature.shell.title">One shell that stays with you</Translate>,
    body: (
      <Translate id="home.feature.shell.body">
        The same shell follows you from page to page and survives a reload, and your progress is kept across restarts.
        Every page is in English and Korean.
      </Translate>
    ),
  },
];

function Features(): ReactNode {
  return (
    <section className={styles.section}>
      <div className="container">
        <h2 className={styles.sectionTitle}>
          <Translate id="home.what.title">What the lab is</Translate>
        </h2>
        <div className={styles.features}>
          {FEATURES.map((feature, i) => (
            <div key={i} className={styles.card}>
              <div className={styles.cardIcon}>{feature.icon}</div>
              <h3 className={styles.cardTitle}>{feature.title}</h3>
              <p className={styles.cardBody}>{feature.body}</p>
            </div>
          ))}
        </div>
      </div>
    </section>
  );
}

function Requirements(): ReactNode {
  return (
    <section className={clsx(styles.section, styles.sectionAlt)}>
      <div className="container">
        <h2 className={styles.sectionTitle}>
          <Translate id="home.needs.title">What you need</Translate>
        </h2>
        <p className={styles.sectionLead}>
          <Translate id="home.needs.lead">
            Node.js 20 or later, and a browser. The same steps run on either of two backends:
          </Translate>
        </p>
        <div className={styles.backends}>
          <div className={styles.card}>
            <div className={styles.backendName}>sandbox</div>
            <h3 className={styles.cardTitle}>
              <Translate id="home.needs.sandbox.title">Nothing else to install</Translate>
            </h3>
            <p className={styles.cardBody}>
              <Translate id="home.needs.sandbox.body">
                A simulated k3d cluster with Istio ambient, built into the lab. No Docker and no image downloads; the
                shell is a real bash and kubectl the real kubectl. Good for laptops, workshops and CI.
              </Translate>
            </p>
          </div>
          <div className={styles.card}>
            <div className={styles.backendName}>host</div>
            <h3 className={styles.cardTitle}>
              <Translate id="home.needs.host.title">Your own tools, a real cluster</Translate>
            </h3>
            <p className={styles.cardBody}>
              <Translate id="home.needs.host.body">
                Your shell with a running Docker engine and k3d, istioctl and kubectl on the PATH. The lab’s doctor
                command tells you what is missing.
              </Translate>
            </p>
            <ul className={styles.tools}>
              <li>Docker</li>
              <li>k3d</li>
              <li>istioctl</li>
              <li>kubectl</li>
            </ul>
          </div>
        </div>
      </div>
    </section>
  );
}

function Start(): ReactNode {
  return (
    <section className={styles.section} id="start">
      <div className="container">
        <h2 className={styles.sectionTitle}>
          <Translate id="home.start.title">How to start</Translate>
        </h2>
        <div className={styles.steps}>
          <div className={styles.startStep}>
            <div className={styles.startNumber}>1</div>
            <div className={styles.startBody}>
              <h3 className={styles.cardTitle}>
                <Translate id="home.start.lab.title">Start the lab</Translate>
              </h3>
              <p className={styles.cardBody}>
                <Translate id="home.start.lab.body">
                  In the repository, run the command below. It builds the site, starts the lab server on your machine
                  and prints a link with a one-time token; open that link in your browser.
                </Translate>
              </p>
              <CodeBlock language="bash">{'npm start'}</CodeBlock>
              <p className={styles.cardBody}>
                <Translate id="home.start.host">
                  To use your own Docker, k3d and istioctl instead of the sandbox:
                </Translate>
              </p>
              <CodeBlock language="bash">{'npm start -- --backend host'}</CodeBlock>
            </div>
          </div>
          <div className={styles.startStep}>
            <div className={styles.startNumber}>2</div>
            <div className={styles.startBody}>
              <h3 className={styles.cardTitle}>
                <Translate id="home.start.first.title">Open the first page</Translate>
              </h3>
              <p className={styles.cardBody}>
                <Translate
                  id="home.start.first.body"
                  values={{
                    link: (
                      <Link to={FIRST_PAGE}>
                        <Translate id="home.start.first.link">Before you begin</Translate>
                      </Link>
                    ),
                  }}
                >
                  {'Begin with {link}: it shows how the terminal works and checks that your shell is ready.'}
                </Translate>
              </p>
            </div>
          </div>
          <div className={styles.startStep}>
            <div className={styles.startNumber}>3</div>
            <div className={styles.startBody}>
              <h3 className={styles.cardTitle}>
                <Translate id="home.start.test.title">Run the tests (optional)</Translate>
              </h3>
              <p className={styles.cardBody}>
                <Translate id="home.start.test.body">
                  Type checks, unit tests, and the whole walkthrough end to end in Chromium, in both languages:
                </Translate>
              </p>
              <CodeBlock language="bash">{'npm test'}</CodeBlock>
            </div>
          </div>
        </div>
      </div>
    </section>
  );
}

export default function Home(): ReactNode {
  return (
    <Layout
      title={translate({id: 'home.title', message: 'Istio ambient mode, hands on'})}
      description={translate({
        id: 'home.description',
        message:
          'An executable, bilingual tutorial of Istio ambient mode on k3d, with a terminal built into every page.',
      })}
    >
      <Hero />
      <main>
        <Features />
        <Requirements />
        <Start />
      </main>
    </Layout>
  );
}
