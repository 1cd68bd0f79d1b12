/** MDX-wide components: `<Step>` is what the steps remark plugin turns every step block into. */
import MDXComponents from '@theme-original/MDXComponents';
import Step from '@site/src/components/Step';

export default {
  ...MDXComponents,
  Step,
};
