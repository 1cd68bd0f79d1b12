/** The LAB_VERSION_* overrides are for developers: the README lists every one (the learner's pages do not). */
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {test} from 'node:test';
import {DEFAULT_VERSIONS, VERSION_KEYS, versionEnvName} from '../../src/core/versions';

test('the README has a row per pinned version with its LAB_VERSION_* variable', () => {
  const readme = readFileSync('README.md', 'utf8');
  for (const key of VERSION_KEYS) {
    const row = new RegExp(
      `^\\| [^|]+ \\| \`${DEFAULT_VERSIONS[key].replace(/[.+*?()[\]]/g, '\\$&')}\` \\| \`${versionEnvName(key)}\` \\|$`,
      'm',
    );
    assert.match(readme, row, key);
  }
});

test('the learner pages do not show the override variables', () => {
  const component = readFileSync('src/components/Versions/index.tsx', 'utf8');
  assert.doesNotMatch(component, /versionEnvName/);
});
