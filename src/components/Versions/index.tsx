/**
 * The pinned upstream versions on a page, from the one place they are pinned (src/core/versions.ts):
 *   <Versions />                 a table of every pinned version
 *   <Version name="istio" />     one value inline (names as in VERSION_KEYS, any case, `-` for `_`)
 * The values come from `customFields.versions` (docusaurus.config.ts: resolveVersions(process.env)), so a build with
 * LAB_VERSION_* overrides shows what the steps run. Test hook: `[data-testid=versions]`, rows `[data-version-key]`.
 */
import React, {type ReactNode} from 'react';
import useDocusaurusContext from '@docusaurus/useDocusaurusContext';
import {translate} from '@docusaurus/Translate';
import {
  DEFAULT_VERSIONS,
  VERSION_INFO,
  VERSION_KEYS,
  versionEnvName,
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
  const overridden = rows.filter((key) => versions[key] !== DEFAULT_VERSIONS[key]);
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
            <th scope="col">{translate({id: 'lab.versions.override', message: 'Override with'})}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((key) => (
            <tr key={key} data-version-key={key}>
              <th scope="row">{label(key)}</th>
              <td>
                <code>{versions[key]}</code>
                {versions[key] !== DEFAULT_VERSIONS[key] ? <span className={styles.badge}>override</span> : null}
              </td>
              <td>
                <code className={styles.env}>{versionEnvName(key)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {overridden.length > 0 ? (
        <p className={styles.note}>
          {translate(
            {
              id: 'lab.versions.overridden',
              message: 'This build overrides {count} of the pins (LAB_VERSION_* variables).',
            },
            {count: String(overridden.length)},
          )}
        </p>
      ) : null}
    </div>
  );
}
