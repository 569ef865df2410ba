// Generated from @pan/elements/custom-elements.json by `npm run generate -w @pan/react`: do not edit.
import { createComponent, type EventName } from '@lit/react';
import * as React from 'react';
import {
  PanAuthOnly as PanAuthOnlyElement,
  PanConnections as PanConnectionsElement,
  PanInstallFlow as PanInstallFlowElement,
  PanInstallPage as PanInstallPageElement,
  PanMarketplace as PanMarketplaceElement,
  PanMyIntegrations as PanMyIntegrationsElement,
  PanRunLog as PanRunLogElement,
  PanRunPanel as PanRunPanelElement,
  PanScheduleEditor as PanScheduleEditorElement,
  PanSettingsForm as PanSettingsFormElement,
  PanTenantPage as PanTenantPageElement,
} from '@pan/elements';
import type {
  PanConnectedEvent,
  PanDisconnectedEvent,
  PanExternalOpenEvent,
  PanInstallCancelEvent,
  PanInstallRequestEvent,
  PanInstalledEvent,
  PanLoadOptionsEvent,
  PanNavigateEvent,
  PanReconnectNeededEvent,
  PanRunCompleteEvent,
  PanRunStartEvent,
  PanScheduleChangeEvent,
  PanSettingsChangeEvent,
  PanSettingsSavedEvent,
  PanSettingsSubmitEvent,
  PanTokenExpiredEvent,
  PanUninstalledEvent,
} from '@pan/elements';

export type {
  PanConnectedEvent,
  PanDisconnectedEvent,
  PanExternalOpenEvent,
  PanInstallCancelEvent,
  PanInstallRequestEvent,
  PanInstalledEvent,
  PanLoadOptionsEvent,
  PanNavigateEvent,
  PanReconnectNeededEvent,
  PanRunCompleteEvent,
  PanRunStartEvent,
  PanScheduleChangeEvent,
  PanSettingsChangeEvent,
  PanSettingsSavedEvent,
  PanSettingsSubmitEvent,
  PanTokenExpiredEvent,
  PanUninstalledEvent,
} from '@pan/elements';

/** `<pan-auth-only>`: Auth-only mode: the connect buttons of the integrations the token names (`xti.auth_only`), grouped per integration. Each is installed, with the settings the token presets, as soon as all its connections are made; no settings are ever shown. */
export const PanAuthOnly = createComponent({
  tagName: 'pan-auth-only',
  elementClass: PanAuthOnlyElement,
  react: React,
  events: {
    /** An integration was set up; `detail: {tenant: {id, integration}}`. */
    onPanInstalled: 'pan-installed' as EventName<PanInstalledEvent>,
    /** A connection was made; `detail: {connector}`. */
    onPanConnected: 'pan-connected' as EventName<PanConnectedEvent>,
    /** One was removed; `detail: {connector}`. */
    onPanDisconnected: 'pan-disconnected' as EventName<PanDisconnectedEvent>,
    /** One needs the user to sign in again; `detail: {connector, reason}`. */
    onPanReconnectNeeded: 'pan-reconnect-needed' as EventName<PanReconnectNeededEvent>,
  },
  displayName: 'PanAuthOnly',
});

/** `<pan-connections>`: The user's connections to the systems integrations work with: status, Connect, Reconnect and Disconnect. API-key connectors open a form; OAuth2 ones a sign-in window (or, when popups are blocked, a full-page sign-in whose result it reads from the URL when the page loads). The sign-in window's result is only accepted from the run API's origin and from the window this element opened; any other message is ignored, and the API is asked for the connection's state before anything is shown as connected. A window closed without a result shows "Not connected" (no error); when the page gets the focus back, the API is asked again (some providers cut the window's link to the page, which then looks closed at once). Credentials are never shown back: a form is emptied and removed once saved. */
export const PanConnections = createComponent({
  tagName: 'pan-connections',
  elementClass: PanConnectionsElement,
  react: React,
  events: {
    /** A connection was made (or made again); `detail: {connector}`. */
    onPanConnected: 'pan-connected' as EventName<PanConnectedEvent>,
    /** The user disconnected one; `detail: {connector}`. */
    onPanDisconnected: 'pan-disconnected' as EventName<PanDisconnectedEvent>,
    /** A connection shown needs the user to sign in again (its refresh was refused); `detail: {connector, reason}`. Once per connection until it is reconnected. */
    onPanReconnectNeeded: 'pan-reconnect-needed' as EventName<PanReconnectNeededEvent>,
  },
  displayName: 'PanConnections',
});

/** `<pan-install-flow>`: Installs one integration: connect, settings, schedule, then review and enable. Nothing is saved until Enable. The Connect step (when the release needs connectors) shows a `<pan-connections>` for them. Continuing without connecting is allowed: connections belong to the user, not to the installation, and can be made later (the integration's page, or Connections); the step and the review say which are missing and that runs will not have their credentials until then. */
export const PanInstallFlow = createComponent({
  tagName: 'pan-install-flow',
  elementClass: PanInstallFlowElement,
  react: React,
  events: {
    /** From the Connect step: a connection was made; `detail: {connector}`. */
    onPanConnected: 'pan-connected' as EventName<PanConnectedEvent>,
    /** From the Connect step: one was removed; `detail: {connector}`. */
    onPanDisconnected: 'pan-disconnected' as EventName<PanDisconnectedEvent>,
    /** From the Connect step: one needs the user to sign in again. */
    onPanReconnectNeeded: 'pan-reconnect-needed' as EventName<PanReconnectNeededEvent>,
    /** The tenant was created; `detail: {tenant: {id, integration}}`. */
    onPanInstalled: 'pan-installed' as EventName<PanInstalledEvent>,
    /** The user cancelled; nothing was saved. */
    onPanInstallCancel: 'pan-install-cancel' as EventName<PanInstallCancelEvent>,
    /** The user asked to open an existing installation (`view: 'tenant'`). */
    onPanNavigate: 'pan-navigate' as EventName<PanNavigateEvent>,
  },
  displayName: 'PanInstallFlow',
});

/** `<pan-install-page>`: One integration's page in install-only mode: its install flow, or, once installed, its settings page (and the flow again after an uninstall). */
export const PanInstallPage = createComponent({
  tagName: 'pan-install-page',
  elementClass: PanInstallPageElement,
  react: React,
  events: {},
  displayName: 'PanInstallPage',
});

/** `<pan-marketplace>`: An embedded integration marketplace: a searchable, filterable catalog of the account's integrations and a page per integration, loaded from the run API with the end user's token; the install flow, My integrations and Connections (the user's accounts in other systems). Modes (the `mode` attribute): `full` (the default), `install` (one integration's install flow, from the `integration` attribute) and `auth` (only the connect buttons of the integrations the token's `xti.auth_only` names, each installed with its preset settings as soon as its connections are made; settings are never shown). The views beyond the catalog and the other modes load lazily. Back from a full-page sign-in (when popups are blocked, a connector's sign-in leaves the page and comes back with `pan_oauth`, `pan_connector` and `pan_message` in the URL), it opens on Connections, which shows the result and removes those parameters from the URL. */
export const PanMarketplace = createComponent({
  tagName: 'pan-marketplace',
  elementClass: PanMarketplaceElement,
  react: React,
  events: {
    /** The user pressed Install. Cancelable; `detail: {integration: {id, slug, name}}`. If not canceled, the element continues the install itself: it opens the install flow. */
    onPanInstallRequest: 'pan-install-request' as EventName<PanInstallRequestEvent>,
    /** The user pressed Visit on an external integration. Cancelable (prevents opening the tab); `detail: {integration: {id, slug, name}, url}`. */
    onPanExternalOpen: 'pan-external-open' as EventName<PanExternalOpenEvent>,
    /** The user opened an integration page or went back; `detail: {view: 'catalog' | 'detail', slug: string | null}`. */
    onPanNavigate: 'pan-navigate' as EventName<PanNavigateEvent>,
    /** The token expired and could not be renewed through `tokenProvider`; `detail: {reason: 'no-provider' | 'provider-failed' | 'still-expired'}`. Set a new `token` to reload. */
    onPanTokenExpired: 'pan-token-expired' as EventName<PanTokenExpiredEvent>,
    /** The user connected an account (Connections, the install flow's Connect step, an installation's page, or auth mode); `detail: {connector}`. */
    onPanConnected: 'pan-connected' as EventName<PanConnectedEvent>,
    /** The user disconnected one; `detail: {connector}`. */
    onPanDisconnected: 'pan-disconnected' as EventName<PanDisconnectedEvent>,
    /** A connection shown needs the user to sign in again (its refresh was refused); `detail: {connector, reason}`. */
    onPanReconnectNeeded: 'pan-reconnect-needed' as EventName<PanReconnectNeededEvent>,
    /** An integration was installed (install flow, or auth mode once its connections are made); `detail: {tenant: {id, integration}}`. */
    onPanInstalled: 'pan-installed' as EventName<PanInstalledEvent>,
  },
  displayName: 'PanMarketplace',
});

/** `<pan-my-integrations>`: The integrations this user installed: status, schedule, and a way into each one's page; pause or resume in place. */
export const PanMyIntegrations = createComponent({
  tagName: 'pan-my-integrations',
  elementClass: PanMyIntegrationsElement,
  react: React,
  events: {
    /** Open an installation (`view: 'tenant'`) or the catalog (`view: 'catalog'`). */
    onPanNavigate: 'pan-navigate' as EventName<PanNavigateEvent>,
    /** An installation was paused or resumed. */
    onPanSettingsSaved: 'pan-settings-saved' as EventName<PanSettingsSavedEvent>,
  },
  displayName: 'PanMyIntegrations',
});

/** `<pan-run-log>`: The log of one run, live: its lines as the run writes them (Server-Sent Events, resumed after a dropped connection), each with its time and its ANSI colours; following the tail until the user scrolls up. Copy and Download (the whole log as text). */
export const PanRunLog = createComponent({
  tagName: 'pan-run-log',
  elementClass: PanRunLogElement,
  react: React,
  events: {},
  displayName: 'PanRunLog',
});

/** `<pan-run-panel>`: Runs of one installed integration: "Run now" (normal, or init when allowed), the state of the run it started (queued, running, how it ended) with its live log, and the run history, each run opening its log; a failed run can be replayed (with its original payloads). */
export const PanRunPanel = createComponent({
  tagName: 'pan-run-panel',
  elementClass: PanRunPanelElement,
  react: React,
  events: {
    /** The run API accepted "Run now" or a Replay; `detail: {tenantId, triggerId, mode, replayOf?}`. */
    onPanRunStart: 'pan-run-start' as EventName<PanRunStartEvent>,
    /** A run this panel started ended; `detail: {tenantId, runId, status}`. */
    onPanRunComplete: 'pan-run-complete' as EventName<PanRunCompleteEvent>,
  },
  displayName: 'PanRunPanel',
});

/** `<pan-schedule-editor>`: Picks when an integration runs: its default, every N minutes/hours/days/weeks, a cron expression, or only when triggered; the time zone it is read in and what a run missed during downtime becomes; with a plain-language preview and the next run times in that zone. */
export const PanScheduleEditor = createComponent({
  tagName: 'pan-schedule-editor',
  elementClass: PanScheduleEditorElement,
  react: React,
  events: {
    /** The choice changed; `detail: {schedule, valid, timeZone, missedFires}` (`schedule` is `undefined` for the default, `null` for none). */
    onPanScheduleChange: 'pan-schedule-change' as EventName<PanScheduleChangeEvent>,
  },
  displayName: 'PanScheduleEditor',
});

/** `<pan-settings-form>`: The settings form of an integration, generated from its PANDIUM.yaml (a `SettingsForm` built by `buildSettingsForm`): labelled, validated as the user goes (the same rules and words as the run API), with dynamic and dependent selectors. React and rjsf load lazily, only when a form is shown, so a page that never opens one never downloads them. */
export const PanSettingsForm = createComponent({
  tagName: 'pan-settings-form',
  elementClass: PanSettingsFormElement,
  react: React,
  events: {
    /** The user changed a setting; `detail: {value, valid}`. Also once when the form fills in defaults the value lacked. */
    onPanSettingsChange: 'pan-settings-change' as EventName<PanSettingsChangeEvent>,
    /** The user submitted valid settings; `detail: {value}`. Cancelable: `preventDefault()` while you save (e.g. to show `serverErrors` after a 422); not canceled, the value counts as saved (`serverErrors` cleared, not dirty). */
    onPanSettingsSubmit: 'pan-settings-submit' as EventName<PanSettingsSubmitEvent>,
    /** "Load options" on a dynamic selector with no options yet; `detail: {definition, field}`. Run the init run, set `loadingOptions` meanwhile, then a new `form`. */
    onPanLoadOptions: 'pan-load-options' as EventName<PanLoadOptionsEvent>,
  },
  displayName: 'PanSettingsForm',
});

/** `<pan-tenant-page>`: One installed integration: its settings (with "Load options" for dynamic selectors, through an init run), schedule, status, runs, and uninstalling it. */
export const PanTenantPage = createComponent({
  tagName: 'pan-tenant-page',
  elementClass: PanTenantPageElement,
  react: React,
  events: {
    /** Settings, schedule or status were saved. */
    onPanSettingsSaved: 'pan-settings-saved' as EventName<PanSettingsSavedEvent>,
    /** The user confirmed Uninstall and it was done. */
    onPanUninstalled: 'pan-uninstalled' as EventName<PanUninstalledEvent>,
    /** From the Runs section: Run now was accepted. */
    onPanRunStart: 'pan-run-start' as EventName<PanRunStartEvent>,
    /** From the Runs section: a run started there ended. */
    onPanRunComplete: 'pan-run-complete' as EventName<PanRunCompleteEvent>,
    /** From the Connections section; `detail: {connector}`. */
    onPanConnected: 'pan-connected' as EventName<PanConnectedEvent>,
    /** From the Connections section; `detail: {connector}`. */
    onPanDisconnected: 'pan-disconnected' as EventName<PanDisconnectedEvent>,
    /** From the Connections section: one of its connections needs the user to sign in again; `detail: {connector, reason}`. */
    onPanReconnectNeeded: 'pan-reconnect-needed' as EventName<PanReconnectNeededEvent>,
  },
  displayName: 'PanTenantPage',
});
