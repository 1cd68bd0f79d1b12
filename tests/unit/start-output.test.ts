/** `lab start` for a person: the URL last, no raw JSON logs on a terminal, no Docusaurus `npm run serve` advice. */
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {startBanner} from '../../server/cli/start-banner';
import {prettyLine} from '../../server/config/pretty-log';

describe('lab start output', () => {
  it('prints the URL on the last line', () => {
    const url = 'http://127.0.0.1:4321/?token=abc';
    const lines = startBanner('sandbox', '127.0.0.1', 'kept', '/state', url).trimEnd().split('\n');
    assert.equal(lines.at(-1), `Open ${url}`);
    assert.match(lines.join('\n'), /sandbox backend/);
    assert.match(lines.join('\n'), /reconnect by themselves/);
    assert.match(startBanner('host', '0.0.0.0', 'rotated', '/s', url), /listening on 0\.0\.0\.0[\s\S]*new token/);
  });

  it('writes log lines for people: time, level, message, fields', () => {
    const json = JSON.stringify({
      level: 30,
      time: '2026-12-06T22:16:30.804Z',
      name: 'lab',
      url: 'http://127.0.0.1:4321/',
      backend: 'sandbox',
      msg: 'lab server listening',
    });
    assert.equal(
      prettyLine(json, false),
      '22:16:30 INFO  lab server listening  url=http://127.0.0.1:4321/ backend=sandbox\n',
    );
    const error = prettyLine(
      JSON.stringify({level: 50, msg: 'boom', err: {message: 'no "x"', stack: 'Error\n  at y'}}),
      false,
    );
    assert.match(error, /ERROR boom {2}err="no \\"x\\""\n {4}Error\n {6}at y\n/);
    assert.equal(prettyLine('not json', false), 'not json\n');
  });
});
