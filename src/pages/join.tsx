/** `/join` (and `/ko/join`): an attendee joins the instructor's workshop with the join code and a display name. */
import React, {type ReactNode} from 'react';
import Layout from '@theme/Layout';
import BrowserOnly from '@docusaurus/BrowserOnly';
import Translate, {translate} from '@docusaurus/Translate';
import JoinForm from '@site/src/components/Workshop/JoinForm';

export default function JoinPage(): ReactNode {
  return (
    <Layout
      title={translate({id: 'lab.join.title', message: 'Join the workshop'})}
      description={translate({id: 'lab.join.description', message: 'Join an Ambient Lab workshop with its join code.'})}
    >
      <main className="container margin-vert--xl">
        <h1>
          <Translate id="lab.join.title">Join the workshop</Translate>
        </h1>
        <p>
          <Translate id="lab.join.intro">
            You get your own terminal and your own simulated cluster for the walkthrough, on the instructor’s laptop:
            nothing to install.
          </Translate>
        </p>
        <BrowserOnly>{() => <JoinForm />}</BrowserOnly>
      </main>
    </Layout>
  );
}
