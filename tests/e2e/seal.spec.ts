/**
 * The sealed sandbox shell, as a learner meets it: KUBECONFIG changed by hand after the terminal started makes the
 * next step refuse, on the step (in English and in Korean) and in the terminal; `lab_reseal` ends it.
 */
import {test, expect} from '@playwright/test';
import {LabPage} from './lab';

test('a step is refused once KUBECONFIG points elsewhere, in en and ko; lab_reseal ends it', async ({page}) => {
  test.setTimeout(120_000);
  const lab = new LabPage(page);
  await lab.login();
  await lab.open('en', 'before-you-begin');
  await lab.terminal.type('export KUBECONFIG=/tmp/elsewhere.yaml; echo "exported""-now"');
  await lab.terminal.press('Enter');
  await lab.terminal.expectText(/^exported-now$/m);

  const step = lab.step('kubectl-client');
  await step.run();
  const refusal = step.root.getByTestId('step-refusal');
  await expect(refusal).toHaveAttribute('data-check', 'sandbox');
  await expect(refusal).toContainText('Not run: kubectl in this terminal would not reach the lab’s sandbox');
  await expect(refusal).toContainText('/tmp/elsewhere.yaml');
  await expect(refusal).toContainText('lab_reseal');
  await expect(step.status()).toContainText('Not run');
  await lab.terminal.expectText(/Step not run: kubectl in this shell would not reach the lab's sandbox/);

  // the same shell, the Korean page
  await lab.open('ko', 'before-you-begin');
  await step.run();
  await expect(refusal).toContainText('실행하지 않음: 이 터미널의 kubectl이 실습 샌드박스에 닿지 않습니다');
  await expect(refusal).toContainText('/tmp/elsewhere.yaml');
  await expect(step.status()).toContainText('실행하지 않음');
  await lab.terminal.expectText(/단계를 실행하지 않았습니다/);

  await lab.terminal.type('lab_reseal; echo "resealed""-now"');
  await lab.terminal.press('Enter');
  await lab.terminal.expectText(/^resealed-now$/m);
  await step.run();
  await step.expectStatus('passed', 60_000);
  // leave the shared lab's progress as found
  await lab.resetProgress();
});
