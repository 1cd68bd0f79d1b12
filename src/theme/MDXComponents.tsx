/**
 * MDX-wide components: `<Step>` is what the steps remark plugin turns every step block into; `<Versions />` and
 * `<Version name="istio" />` show the pinned upstream versions (src/core/versions.ts).
 */
import MDXComponents from '@theme-original/MDXComponents';
import Step from '@site/src/components/Step';
import Versions, {Version} from '@site/src/components/Versions';

export default {
  ...MDXComponents,
  Step,
  Versions,
  Version,
};
