/**
 * MDX-wide components: `<Step>` is what the steps remark plugin turns every step block into, with the `<Hint>` and
 * `<Solution>` written after it as its children; `<Versions />` and
 * `<Version name="istio" />` show the pinned upstream versions (src/core/versions.ts); `<ClusterPicture />` shows the
 * learner's cluster as it is now.
 */
import MDXComponents from '@theme-original/MDXComponents';
import Step from '@site/src/components/Step';
import {Hint, Solution} from '@site/src/components/StepHelp';
import Versions, {Version} from '@site/src/components/Versions';
import ClusterPicture from '@site/src/components/ClusterPicture';

export default {
  ...MDXComponents,
  Step,
  Hint,
  Solution,
  Versions,
  Version,
  ClusterPicture,
};
