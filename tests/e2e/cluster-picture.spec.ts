/**
 * The cluster picture beside the terminal, as a learner meets it: empty before there is a cluster, five nodes once
 * `k3d cluster create` has run in the terminal, empty again after `k3d cluster delete` (which also leaves the
 * shared lab clean for the specs that follow).
 */
import {test, expect} from '@playwright/test';
import {LabPage} from './lab';
import {siteManifests} from './pages';

const manifests = await siteManifests();
const firstPage = manifests.pages('en').find((m) => m.steps.length > 0);
if (!firstPage) throw new Error('no tutorial page with steps: the e2e suite needs at least one');

test('the Cluster panel follows the cluster the terminal creates and deletes', async ({page}) => {
  test.skip(
    process.env.E2E_BACKEND === 'host',
    'creates a k3d cluster: on the host backend that needs Docker (the nightly covers the host)',
  );
  test.setTimeout(120_000);
  const lab = new LabPage(page);
  await lab.login();
  await lab.open('en', firstPage.pageId);

  await page.getByTestId('lab-cluster-toggle').click();
  const picture = page.getByTestId('lab-cluster-panel').getByTestId('cluster-picture');
  await expect(picture).toHaveAttribute('data-state', 'empty');
  await expect(picture).toContainText(/No cluster yet/);

  try {
    await lab.terminal.type("k3d cluster create ambient --agents 4 --k3s-arg '--disable=traefik@server:*'");
    await lab.terminal.press('Enter');
    await expect(picture).toHaveAttribute('data-state', 'ready', {timeout: 60_000});
    const nodes = picture.getByTestId('cluster-node');
    await expect(nodes).toHaveCount(5);
    await expect(nodes.first()).toHaveAttribute('data-node', 'k3d-ambient-server-0');
    await expect(picture.locator('[data-testid=cluster-node][data-ready=true]')).toHaveCount(5);
  } finally {
    await lab.terminal.type('k3d cluster delete ambient');
    await lab.terminal.press('Enter');
  }
  await expect(picture).not.toHaveAttribute('data-state', 'ready', {timeout: 30_000});
  await expect(picture.getByTestId('cluster-node')).toHaveCount(0);
});
