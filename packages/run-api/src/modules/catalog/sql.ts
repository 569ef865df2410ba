/**
 * SQL fragments of the catalog that other modules' statements embed, so that a rule about
 * integrations and releases is written once and stays inside one statement (one snapshot).
 */

/**
 * The release channel rule, as a SQL expression of the release id: `default` is the integration's
 * default release, `latest` its newest, `pinned` the pinned one (only if it is a release of that
 * integration). The three arguments are SQL expressions (columns or parameters), never user text.
 */
export function channelReleaseIdSql(integrationId: string, channel: string, pinnedId: string): string {
  return `(SELECT cr.id FROM releases cr
            WHERE cr.integration_id = ${integrationId}
              AND CASE ${channel}
                    WHEN 'pinned' THEN cr.id = ${pinnedId}
                    WHEN 'default' THEN cr.id = (SELECT ci.default_release_id FROM integrations ci WHERE ci.id = ${integrationId})
                    ELSE true
                  END
            ORDER BY cr.created_at DESC, cr.id DESC
            LIMIT 1)`;
}

/** The release a tenant row (table alias `t`, with the tenants columns) runs, by the channel rule. */
export function tenantReleaseIdSql(t: string): string {
  return channelReleaseIdSql(`${t}.integration_id`, `${t}.release_channel`, `${t}.pinned_release_id`);
}

/** The release a channel resolves to as one JSON column `release` (id, version, created_at, spec). */
export function channelReleaseSql(integrationId: string, channel: string, pinnedId: string): string {
  return `SELECT json_build_object('id', r.id, 'version', r.version, 'created_at', r.created_at, 'spec', r.spec) AS release
            FROM releases r
           WHERE r.id = ${channelReleaseIdSql(integrationId, channel, pinnedId)}`;
}
