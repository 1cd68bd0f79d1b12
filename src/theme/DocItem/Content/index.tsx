/**
 * Wraps the doc content: tells the lab which page is shown (the server matches hand-typed commands against
 * this page's steps first, and says what the page needs from earlier pages), and puts "Catch me up" (when the
 * learner lacks something) and the page's progress bar above the content.
 */
import React, {useEffect, type ReactNode} from 'react';
import Content from '@theme-original/DocItem/Content';
import type ContentType from '@theme/DocItem/Content';
import type {WrapperProps} from '@docusaurus/types';
import {useDoc} from '@docusaurus/plugin-content-docs/client';
import {useLab} from '@site/src/components/LabProvider';
import PageProgress from '@site/src/components/PageProgress';
import CatchUp from '@site/src/components/CatchUp';
import {useInstructorFocus} from '@site/src/components/Workshop';

type Props = WrapperProps<typeof ContentType>;

export default function ContentWrapper(props: Props): ReactNode {
  const {metadata} = useDoc();
  const pageId = metadata.id;
  const {showPage} = useLab();
  // in a workshop, the instructor's page says which step is in view ("follow me" takes the attendees there)
  useInstructorFocus(pageId);

  useEffect(() => {
    showPage(pageId);
    return () => showPage(null);
  }, [showPage, pageId]);

  return (
    <>
      <CatchUp pageId={pageId} />
      <PageProgress pageId={pageId} />
      <Content {...props} />
    </>
  );
}
