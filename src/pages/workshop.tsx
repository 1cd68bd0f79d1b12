/** `/workshop` (and `/ko/workshop`): the instructor's live board. Only the instructor's cookie opens its socket. */
import React, {type ReactNode} from 'react';
import Layout from '@theme/Layout';
import BrowserOnly from '@docusaurus/BrowserOnly';
import Translate, {translate} from '@docusaurus/Translate';
import WorkshopBoard from '@site/src/components/WorkshopBoard';

export default function WorkshopPage(): ReactNode {
  return (
    <Layout
      title={translate({id: 'lab.board.title', message: 'Workshop board'})}
      description={translate({id: 'lab.board.description', message: 'The instructor’s live view of the room.'})}
      noFooter
    >
      <main className="margin-vert--md" style={{padding: '0 1rem'}}>
        <h1 style={{fontSize: '1.25rem', marginBottom: '0.75rem'}}>
          <Translate id="lab.board.title">Workshop board</Translate>
        </h1>
        <BrowserOnly>{() => <WorkshopBoard />}</BrowserOnly>
      </main>
    </Layout>
  );
}
