/** The server runs commands: without the token, from a foreign Origin, or through a foreign Host, it refuses. */
import {test, expect} from '@playwright/test';
import http from 'node:http';
import WebSocket from 'ws';
import {E2E_PORT, E2E_TOKEN} from '../../playwright.config';

const base = `http://127.0.0.1:${E2E_PORT}`;
const wsUrl = `ws://127.0.0.1:${E2E_PORT}/ws`;

/** Try a WebSocket upgrade and report the HTTP status of the refusal (or 101 when it was accepted). */
function upgradeStatus(headers: Record<string, string>, query = ''): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl + query, {headers});
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.on('error', (err) => reject(err));
  });
}

function get(pathname: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({host: '127.0.0.1', port: E2E_PORT, path: pathname, headers}, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
}

test('a WebSocket without the token is refused', async () => {
  expect(await upgradeStatus({Origin: base})).toBe(401);
});

test('a WebSocket from a foreign Origin is refused even with the token', async () => {
  expect(await upgradeStatus({Origin: 'http://evil.example', Authorization: `Bearer ${E2E_TOKEN}`})).toBe(403);
  expect(await upgradeStatus({Origin: 'http://evil.example'}, `?token=${E2E_TOKEN}`)).toBe(403);
});

test('a foreign Host (DNS rebinding) is refused even with the token', async () => {
  const status = await upgradeStatus({
    Host: `evil.example:${E2E_PORT}`,
    Origin: `http://evil.example:${E2E_PORT}`,
    Authorization: `Bearer ${E2E_TOKEN}`,
  });
  expect([403, 421]).toContain(status);
  expect([403, 421]).toContain(
    await get('/api/progress', {Host: `evil.example:${E2E_PORT}`, Authorization: `Bearer ${E2E_TOKEN}`}),
  );
});

test('the API needs the token; the right token, origin and host are accepted', async () => {
  expect(await get('/api/progress', {})).toBe(401);
  expect(await get('/api/progress', {Authorization: `Bearer ${E2E_TOKEN}`})).toBe(200);
  expect(await upgradeStatus({Origin: base, Authorization: `Bearer ${E2E_TOKEN}`})).toBe(101);
});

test('a browser page from another origin cannot open the lab socket', async ({page}) => {
  // A page on a different origin (localhost vs 127.0.0.1 counts as different) tries the socket: refused.
  await page.goto(`${base}/?token=${E2E_TOKEN}`);
  const result = await page.evaluate(async (url) => {
    return await new Promise<string>((resolve) => {
      const ws = new WebSocket(url);
      ws.onopen = () => resolve('open');
      ws.onerror = () => resolve('refused');
    });
  }, `ws://evil.localhost:${E2E_PORT}/ws`);
  expect(result).toBe('refused');
});
