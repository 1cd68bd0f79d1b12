/**
 * The pinned upstream versions on a page, from the one place they are pinned (src/core/versions.ts):
 *   <Versions />                 a table of every pinned version
 *   <Version name="istio" />     one value inline (names as in VERSION_KEYS, any case, `-` for `_`)
 * The values come from `customFields.versions` (docusaurus.config.ts: resolveVersions(process.env)), so a build with
 * LAB_VERSION_* overrides shows what the steps run. How to override them is for developers: it is in the README,
 * not on the learner's pages. Test hook: `[data-testid=versions]`, rows `[data-version-key]`.
 */
import React, {type ReactNode} from 'react';
import useDocusaurusContext from '@docusaurus/useDocusaurusContext';
import {translate} from '@docusaurus/Translate';
import {
  DEFAULT_VERSIONS,
  VERSION_INFO,
  VERSION_KEYS,
  type VersionKey,
  type Versions as VersionMap,
} from '@site/src/core/versions';
import styles from './styles.module.css';

function useVersions(): VersionMap {
  const {siteConfig} = useDocusaurusContext();
  const fromConfig = (siteConfig.customFields as {versions?: Partial<VersionMap>} | undefined)?.versions;
  return {...DEFAULT_VERSIONS, ...(fromConfig ?? {})};
}

function keyOf(name: string): VersionKey {
  const key = name
    .trim()
    .toUpperCase()
    .replace(/[-.\s]/g, '_');
  if (!(VERSION_KEYS as readonly string[]).includes(key)) {
    throw new Error(
      `<Version name="${name}" />: unknown version; use one of ${VERSION_KEYS.map((k) => k.toLowerCase()).join(', ')}`,
    );
  }
  return key as VersionKey;
}

/** Localised component names (English from VERSION_INFO; Korean in i18n/ko/code.json). */
function label(key: VersionKey): string {
  return translate({id: `lab.versions.name.${key}`, message: VERSION_INFO[key].name});
}

export function Version({name}: {name: string}): ReactNode {
  const versions = useVersions();
  const key = keyOf(name);
  return (
    <code className={styles.inline} data-version-key={key} title={label(key)}>
      {versions[key]}
    </code>
  );
}

export default function Versions(): ReactNode {
  const versions = useVersions();
  const rows = VERSION_KEYS.filter((key) => VERSION_INFO[key].shown);
  return (
    <div className={styles.wrap} data-testid="versions">
      <table className={styles.table}>
        <caption className={styles.caption}>
          {translate({id: 'lab.versions.caption', message: 'Versions this tutorial is pinned to'})}
        </caption>
        <thead>
          <tr>
            <th scope="col">{translate({id: 'lab.versions.component', message: 'Component'})}</th>
            <th scope="col">{translate({id: 'lab.versions.version', message: 'Version'})}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((key) => (
            <tr key={key} data-version-key={key}>
              <th scope="row">{label(key)}</th>
              <td>
                <code>{versions[key]}</code>
                {versions[key] !== DEFAULT_VERSIONS[key] ? (
                  <span className={styles.badge}>
                    {translate({
                      id: 'lab.versions.changed',
                      message: 'not the tested version',
                      description: 'badge: this build runs another version than the tutorial was tested with',
                    })}
                  </span>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
