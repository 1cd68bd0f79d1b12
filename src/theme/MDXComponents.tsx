/**
 * MDX-wide components: `<Step>` is what the steps remark plugin turns every step block into; `<Versions />` and
 * `<Version name="istio" />` show the pinned upstream versions (src/core/versions.ts); `<ClusterPicture />` shows the
 * learner's cluster as it is now.
 */
import MDXComponents from '@theme-original/MDXComponents';
import Step from '@site/src/components/Step';
import Versions, {Version} from '@site/src/components/Versions';
import ClusterPicture from '@site/src/components/ClusterPicture';

export default {
  ...MDXComponents,
  Step,
  Versions,
  Version,
  ClusterPicture,
};
