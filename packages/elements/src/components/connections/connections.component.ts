import { consume } from '@lit/context';
import { initialState, Task } from '@lit/task';
import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { Connection, ConnectionList, SettingsError } from '@pan/contract';
import * as paths from '@pan/contract/paths';
import type {} from '../../events/events.ts';
import { PanApiError, type RunApiClient } from '../../internal/api-client.ts';
import { CLOSE_WINDOW, signIn, takeRedirectResult } from '../../internal/oauth.ts';
import { apiContext } from '../../internal/api-context.ts';
import { formatList } from '../../internal/format.ts';
import { msg, str } from '../../internal/locale.ts';
import { PanElement } from '../../internal/pan-element.ts';

import { dangerButtonStyles } from '../../internal/danger.styles.ts';
import { baseStyles, buttonStyles, stateStyles } from '../../internal/shared.styles.ts';
import { statusStyles } from '../../internal/status.styles.ts';
import { describeError } from '../../internal/views.ts';
import styles from './connections.styles.ts';

/** A connector name the element was asked to show that the account has not defined. */
interface UnknownConnector {
  connector: string;
  unknown: true;
}
type Row = Connection | UnknownConnector;

const isKnown = (row: Row): row is Connection => !('unknown' in row);

/** Every `<pan-connections>` in the page reloads when another one changed a connection. */
const changes = new EventTarget();

/** `connectors="hubspot acme-billing"` (spaces or commas) ⇄ `['hubspot', 'acme-billing']`. */
const namesConverter = {
  fromAttribute: (value: string | null) => (value === null ? undefined : value.split(/[\s,]+/).filter(Boolean)),
  toAttribute: (value: string[] | undefined) => value?.join(' '),
};

const statusText = (status: Connection['status']): string =>
  ({ connected: msg('Connected'), not_connected: msg('Not connected'), needs_reconnect: msg('Reconnect needed') })[status];

/**
 * @summary The user's connections to the systems integrations work with: status, Connect,
 * Reconnect and Disconnect. API-key connectors open a form; OAuth2 ones a sign-in window (or, when
 * popups are blocked, a full-page sign-in whose result it reads from the URL when the page loads).
 *
 * The sign-in window's result is only accepted from the run API's origin and from the window this
 * element opened; any other message is ignored, and the API is asked for the connection's state
 * before anything is shown as connected. A window closed without a result shows "Not connected"
 * (no error); when the page gets the focus back, the API is asked again (some providers cut the
 * window's link to the page, which then looks closed at once). Credentials are never shown back: a
 * form is emptied and removed once saved.
 *
 * @event {PanConnectedEvent} pan-connected - A connection was made (or made again); `detail: {connector}`.
 * @event {PanDisconnectedEvent} pan-disconnected - The user disconnected one; `detail: {connector}`.
 * @event {PanReconnectNeededEvent} pan-reconnect-needed - A connection shown needs the user to sign in
 *   again (its refresh was refused); `detail: {connector, reason}`. Once per connection until it is reconnected.
 *
 * @csspart notice - The outcome of the last action (a live region).
 * @csspart connection - One connection (also `connection-unknown` for a connector the account has not defined).
 * @csspart connection-name - Its name.
 * @csspart status - Its status badge (also `status-connected`, `status-not-connected`, `status-needs-reconnect`).
 * @csspart detail - Why it needs reconnecting, or which fields are stored.
 * @csspart connect-button - Connect (opens the form, or the sign-in window).
 * @csspart reconnect-button - Reconnect, when a connection needs it.
 * @csspart update-button - Replace an API-key connection's credentials.
 * @csspart disconnect-button - Asks to disconnect.
 * @csspart confirm - The disconnect confirmation.
 * @csspart confirm-disconnect-button - Disconnects.
 * @csspart cancel-sign-in-button - Stops waiting for the sign-in window.
 * @csspart problem - What went wrong with a connection (a denied sign-in, an expired one, ...).
 * @csspart form - An API-key connector's form.
 * @csspart field-input - A field of the form (a password input for secret fields).
 * @csspart field-error - A field's error.
 * @csspart save-button - Saves the form.
 * @csspart cancel-button - Closes the form.
 * @csspart empty - Shown when there is nothing to connect.
 *
 * @cssproperty --pan-font-family - Global token: the font stack (all `--pan-*` tokens of `<pan-marketplace>` apply).
 * @cssproperty --pan-color-accent - Semantic token: buttons and focus (see `<pan-marketplace>` for all tokens).
 * @cssproperty --pan-color-surface - Semantic token: surfaces (see `<pan-marketplace>` for all tokens).
 * @cssproperty --pan-color-danger - Semantic token: Disconnect, errors and the "Reconnect needed" status (see `<pan-marketplace>` for all tokens).
 * @cssproperty --pan-radius-m - Global token: the rows' and forms' radius (also -l).
 * @cssproperty --pan-space-s - Global token: spacing (also -2xs, -xs, -m).
 * @cssproperty --pan-font-size-s - Global token: the status text (also -xl for the heading).
 */
export class PanConnections extends PanElement {
  static override styles = [baseStyles, buttonStyles, dangerButtonStyles, stateStyles, statusStyles, styles];

  /**
   * The API client (it handles the token). Inside another element that has one, such as
   * `<pan-marketplace>`, it comes from there; set it by hand when the element is used on its own.
   */
  @consume({ context: apiContext, subscribe: true })
  @property({ attribute: false })
  api?: RunApiClient;

  /**
   * The connectors to show, in this order (attribute: names separated by spaces). Unset: every
   * connector of the account. A name the account has not defined is shown as not available.
   */
  @property({ converter: namesConverter }) connectors?: string[];

  /** The installation the connections are made for, if any (sent with an OAuth2 sign-in). */
  @property({ attribute: 'tenant-id' }) tenantId = '';

  /** A level-2 heading above the list; none when empty. */
  @property() heading = '';

  /** The connector an action is in progress for ('' when none). */
  @state() private busy = '';
  /** The OAuth2 connector whose sign-in window is open. */
  @state() private signingIn = '';
  /** The API-key connector whose form is open. */
  @state() private editing = '';
  /** The connector whose disconnection is being confirmed. */
  @state() private confirming = '';
  @state() private fieldErrors: SettingsError[] = [];
  /** Problems and the notice are called at render, so that they speak the element's language then. */
  @state() private problems: Readonly<Record<string, () => string>> = {};
  @state() private notice: (() => string) | undefined;

  #signInAbort: AbortController | undefined;
  /**
   * OAuth2 connectors whose sign-in window closed without a result. Some providers cut the link to
   * their window (a `Cross-Origin-Opener-Policy`): it then looks closed at once and its result never
   * comes. When the user is back on this page, the API is asked again whether they got connected.
   */
  readonly #unfinished = new Set<string>();
  #redirectChecked = false;
  /** Connectors `pan-reconnect-needed` was sent for (until they are connected again). */
  readonly #reported = new Set<string>();
  #focus: string | undefined;

  readonly #list = new Task(this, {
    args: () => [this.api] as const,
    task: async ([api], { signal }) => {
      if (!api) return initialState;
      return (await api.get<ConnectionList>(paths.connections, {}, signal)).connections;
    },
    onComplete: (list) => this.#loaded(list),
  });

  /** The connections shown (known connectors only), as last loaded. */
  get connections(): readonly Connection[] {
    return this.#rows(this.#list.value ?? []).filter(isKnown);
  }

  /** Loads the connections again (e.g. after a change made elsewhere). */
  async refresh(): Promise<void> {
    await this.#list.run();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    changes.addEventListener('change', this.#onChange);
    window.addEventListener('focus', this.#onWindowFocus);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    changes.removeEventListener('change', this.#onChange);
    window.removeEventListener('focus', this.#onWindowFocus);
    this.#signInAbort?.abort();
  }

  protected override updated(): void {
    if (this.#focus) {
      const target = this.renderRoot.querySelector<HTMLElement>(this.#focus);
      if (target) {
        this.#focus = undefined;
        target.focus();
      }
    }
  }

  override render(): TemplateResult {
    const body = html`${this.heading ? html`<h2 id="connections-title" class="title" tabindex="-1">${this.heading}</h2>` : nothing}
      <p class="notice" part="notice" role="status">${this.notice?.() ?? ''}</p>
      ${this.#list.render({
        pending: () =>
          this.#list.value
            ? this.#renderList(this.#list.value)
            : html`<div class="state" aria-busy="true"><p class="state__title">${msg('Loading…')}</p></div>`,
        complete: (list) => this.#renderList(list),
        error: (error) => html`<div class="state state--error" role="alert">
          <p class="state__title">${msg('Your connections could not be loaded')}</p>
          <p class="state__text">${describeError(error)}</p>
          <button type="button" class="button" @click=${() => this.#list.run()}>${msg('Retry')}</button>
        </div>`,
      })}`;
    return this.heading
      ? html`<section class="connections" aria-labelledby="connections-title">${body}</section>`
      : html`<div class="connections">${body}</div>`;
  }

  #rows(list: readonly Connection[]): Row[] {
    if (!this.connectors) return [...list];
    return this.connectors.map((name) => list.find((c) => c.connector === name) ?? { connector: name, unknown: true });
  }

  #renderList(list: readonly Connection[]): TemplateResult {
    const rows = this.#rows(list);
    if (rows.length === 0) {
      return html`<p class="empty" part="empty">${msg('Nothing to connect: no integration here needs an account.')}</p>`;
    }
    return html`<ul class="list" role="list">
      ${rows.map((row) => (isKnown(row) ? this.#renderConnection(row) : this.#renderUnknown(row)))}
    </ul>`;
  }

  #renderUnknown(row: UnknownConnector): TemplateResult {
    return html`<li class="connection" part="connection connection-unknown">
      <div class="connection__head">
        <span class="connection__name" part="connection-name">${row.connector}</span>
        <span class="status status--off" part="status status-unavailable">${msg('Not available')}</span>
      </div>
      <p class="connection__detail" part="detail">
        ${msg(str`“${row.connector}” is not set up in this marketplace, so it can't be connected. Ask the marketplace's administrator.`)}
      </p>
    </li>`;
  }

  #renderConnection(c: Connection): TemplateResult {
    const problem = this.problems[c.connector]?.();
    const stateClass = c.status === 'connected' ? 'status' : c.status === 'needs_reconnect' ? 'status status--warn' : 'status status--off';
    return html`<li class="connection" part="connection" data-connector=${c.connector}>
      <div class="connection__head">
        <span class="connection__name" part="connection-name">${c.display_name}</span>
        <span class=${stateClass} part=${`status status-${c.status.replace('_', '-')}`}>${statusText(c.status)}</span>
        <span class="connection__actions">${this.#renderActions(c)}</span>
      </div>
      ${this.#renderDetail(c)}
      ${problem ? html`<p class="connection__problem" part="problem" role="alert">${problem}</p>` : nothing}
      ${this.confirming === c.connector ? this.#renderConfirm(c) : nothing}
      ${this.editing === c.connector ? this.#renderForm(c) : nothing}
    </li>`;
  }

  #renderDetail(c: Connection): TemplateResult | typeof nothing {
    if (c.status === 'needs_reconnect') {
      return html`<p class="connection__detail" part="detail">
        ${c.status_reason ?? msg('Its sign-in expired.')} ${msg(str`Runs that need ${c.display_name} fail until you reconnect it.`)}
      </p>`;
    }
    if (c.status === 'connected' && c.type === 'api_key' && c.stored_fields.length) {
      const label = (name: string) => c.fields?.find((f) => f.name === name)?.label ?? name;
      return html`<p class="connection__detail" part="detail">${msg(str`Saved: ${formatList(c.stored_fields.map(label), 'unit')}`)}</p>`;
    }
    return nothing;
  }

  #renderActions(c: Connection): TemplateResult {
    const name = html`<span class="sr-only"> ${c.display_name}</span>`;
    if (this.signingIn === c.connector) {
      return html`<span class="connection__waiting">${msg('Waiting for the sign-in window…')}</span>
        <button type="button" class="button button--small" part="cancel-sign-in-button" @click=${this.#cancelSignIn}>
          ${msg('Cancel')}<span class="sr-only"> ${msg(str`signing in to ${c.display_name}`)}</span>
        </button>`;
    }
    const disabled = this.busy !== '' || this.signingIn !== '';
    const open = () => (c.type === 'oauth2' ? void this.#signIn(c) : this.#openForm(c));
    const disconnect = html`<button
      type="button"
      class="button button--small"
      part="disconnect-button"
      ?disabled=${disabled}
      @click=${() => this.#askDisconnect(c)}
    >
      ${msg('Disconnect')}${name}
    </button>`;
    if (c.status === 'not_connected') {
      return html`<button type="button" class="button button--small button--primary" part="connect-button" ?disabled=${disabled} @click=${open}>
        ${msg('Connect')}${name}
      </button>`;
    }
    if (c.status === 'needs_reconnect') {
      return html`<button type="button" class="button button--small button--primary" part="reconnect-button" ?disabled=${disabled} @click=${open}>
          ${msg('Reconnect')}${name}
        </button>
        ${disconnect}`;
    }
    return html`${c.type === 'api_key'
      ? html`<button type="button" class="button button--small" part="update-button" ?disabled=${disabled} @click=${open}>
          ${msg('Update')}${name}
        </button>`
      : nothing}
    ${disconnect}`;
  }

  #renderConfirm(c: Connection): TemplateResult {
    const id = `confirm-${c.connector}`;
    return html`<div class="confirm" part="confirm" role="group" aria-labelledby=${id}>
      <p id=${id}>${msg(str`Disconnect ${c.display_name}? Integrations that use it will run without it until you connect it again.`)}</p>
      <div class="confirm__actions">
        <button type="button" class="button button--small button--danger" part="confirm-disconnect-button" ?disabled=${this.busy !== ''} @click=${() => this.#disconnect(c)}>
          ${this.busy === c.connector ? msg('Disconnecting…') : msg('Yes, disconnect')}
        </button>
        <button type="button" class="button button--small" part="cancel-button" @click=${() => this.#closeConfirm(c)}>${msg('Cancel')}</button>
      </div>
    </div>`;
  }

  #renderForm(c: Connection): TemplateResult {
    const fields = c.fields ?? [];
    const errorOf = (field: string) => this.fieldErrors.find((e) => e.field === field)?.message;
    const others = this.fieldErrors.filter((e) => !fields.some((f) => f.name === e.field));
    const saving = this.busy === c.connector;
    return html`<form class="form" part="form" novalidate aria-label=${msg(str`${c.display_name} credentials`)} @submit=${(e: SubmitEvent) => this.#save(e, c)}>
      <p class="form__intro">
        ${msg('Required fields are marked with an asterisk (*). They are stored encrypted and never shown again.')}

      </p>
      ${fields.map((f) => {
        const id = `field-${c.connector}-${f.name}`;
        const error = errorOf(f.name);
        const describedBy = [f.help ? `${id}-help` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
        return html`<div class="field">
          <label class="field__label" for=${id}>${f.label}<span class="field__required" aria-hidden="true">*</span></label>
          <input
            id=${id}
            class="field__input"
            part="field-input"
            name=${f.name}
            type=${f.secret === false ? 'text' : 'password'}
            required
            autocomplete="off"
            autocapitalize="off"
            spellcheck="false"
            aria-invalid=${error ? 'true' : 'false'}
            aria-describedby=${describedBy || nothing}
          />
          ${f.help ? html`<p class="field__help" id=${`${id}-help`}>${f.help}</p>` : nothing}
          ${error ? html`<p class="field__error" part="field-error" id=${`${id}-error`}>${error}</p>` : nothing}
        </div>`;
      })}
      ${others.length
        ? html`<ul class="form__errors" role="alert">
            ${others.map((e) => html`<li>${e.message}</li>`)}
          </ul>`
        : nothing}
      <div class="form__actions">
        <button type="submit" class="button button--small button--primary" part="save-button" ?disabled=${saving}>
          ${saving ? msg('Saving…') : msg('Save')}<span class="sr-only"> ${c.display_name}</span>
        </button>
        <button type="button" class="button button--small" part="cancel-button" ?disabled=${saving} @click=${() => this.#closeForm(c)}>
          ${msg('Cancel')}
        </button>
      </div>
    </form>`;

  }

  // ---- behaviour ---------------------------------------------------------------------------------

  #loaded(list: readonly Connection[]): void {
    const shown = this.#rows(list).filter(isKnown);
    for (const c of shown) {
      if (c.status !== 'needs_reconnect') {
        this.#reported.delete(c.connector);
      } else if (!this.#reported.has(c.connector)) {
        this.#reported.add(c.connector);
        this.emit('pan-reconnect-needed', { detail: { connector: c.connector, reason: c.status_reason } });
      }
    }
    if (!this.#redirectChecked) {
      this.#redirectChecked = true;
      this.#readRedirect(shown);
    }
  }

  /** The result of a full-page sign-in (popups were blocked), when the page came back with one. */
  #readRedirect(shown: readonly Connection[]): void {
    const result = takeRedirectResult((name) => shown.some((c) => c.connector === name && c.type === 'oauth2'));
    if (!result) return;
    const c = shown.find((s) => s.connector === result.connector)!;
    if (result.status === 'connected' && c.status === 'connected') this.#announceConnected(c);
    else if (result.status === 'error') this.#setProblem(c.connector, () => result.message ?? msg(str`${c.display_name} was not connected.`));
    else this.#setProblem(c.connector, () => msg(str`${c.display_name} is still not connected. Please try again.`));
  }

  #find(connector: string): Connection | undefined {
    return this.#list.value?.find((c) => c.connector === connector);
  }

  #setProblem(connector: string, text: (() => string) | undefined): void {
    const { [connector]: _old, ...rest } = this.problems;
    this.problems = text ? { ...rest, [connector]: text } : rest;
  }

  #announceConnected(c: Connection): void {
    this.#unfinished.delete(c.connector);
    this.notice = () => msg(str`${c.display_name} connected.`);
    this.emit('pan-connected', { detail: { connector: c.connector } });
  }

  /** Another element changed a connection: show it here too. */
  #onChange = (event: Event): void => {
    if ((event as CustomEvent<PanConnections>).detail !== this) void this.#list.run();
  };

  #changed(): void {
    changes.dispatchEvent(new CustomEvent('change', { detail: this }));
  }

  /** Back on the page after a sign-in window closed without a result: did it connect after all? */
  #onWindowFocus = async (): Promise<void> => {
    if (this.#unfinished.size === 0 || this.signingIn) return;
    await this.#list.run();
    for (const connector of this.#unfinished) {
      const now = this.#find(connector);
      if (now?.status !== 'connected') continue;
      this.#unfinished.delete(connector);
      this.#announceConnected(now);
      this.#changed();
    }
  };

  #openForm(c: Connection): void {
    this.editing = c.connector;
    this.confirming = '';
    this.fieldErrors = [];
    this.notice = undefined;
    this.#setProblem(c.connector, undefined);
    this.#focus = `#field-${CSS.escape(c.connector)}-${CSS.escape(c.fields?.[0]?.name ?? '')}`;
  }

  #closeForm(c: Connection): void {
    this.editing = '';
    this.fieldErrors = [];
    this.#focusAction(c);
  }

  /** Focus goes to one of the connection's actions (its first by default) once it is rendered. */
  #focusAction(c: Connection, part = ''): void {
    this.#focus = `[data-connector="${CSS.escape(c.connector)}"] .connection__actions button${part ? `[part~="${part}"]` : ''}`;
  }

  async #save(event: SubmitEvent, c: Connection): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    if (!this.api || this.busy) return;
    const data = new FormData(form);
    const fields = Object.fromEntries((c.fields ?? []).map((f) => [f.name, String(data.get(f.name) ?? '')]));
    this.busy = c.connector;
    this.notice = undefined;
    this.#setProblem(c.connector, undefined);
    try {
      await this.api.request<Connection>('PUT', paths.connection(c.connector), { body: { fields } });
      // The values leave the page with the form.
      form.reset();
      this.fieldErrors = [];
      this.editing = '';
      await this.#list.run();
      this.#announceConnected(this.#find(c.connector) ?? c);
      this.#focusAction(c);
      this.#changed();
    } catch (error) {
      if (error instanceof PanApiError && error.errors.length) {
        this.fieldErrors = error.errors;
        const first = (c.fields ?? []).find((f) => error.errors.some((e) => e.field === f.name));
        if (first) this.#focus = `#field-${CSS.escape(c.connector)}-${CSS.escape(first.name)}`;
      } else {
        this.#setProblem(c.connector, () => describeError(error, msg('This connection is not available any more.')));
      }
    } finally {
      this.busy = '';
    }
  }

  async #signIn(c: Connection): Promise<void> {
    if (!this.api) return;
    this.#signInAbort?.abort();
    const abort = new AbortController();
    this.#signInAbort = abort;
    this.signingIn = c.connector;
    this.editing = '';
    this.confirming = '';
    this.notice = () => msg(str`Finish signing in to ${c.display_name} in the window that opened.`);
    this.#setProblem(c.connector, undefined);
    this.#unfinished.delete(c.connector);
    try {
      const outcome = await signIn(this.api, c.connector, { ...(this.tenantId ? { tenantId: this.tenantId } : {}), signal: abort.signal });
      if (outcome.status === 'redirected') return;
      if (outcome.status === 'cancelled') {
        if (this.#signInAbort === abort) this.notice = undefined;
        return;
      }
      await this.#list.run();
      const now = this.#find(c.connector);
      if (outcome.status === 'error') {
        this.notice = undefined;
        this.#setProblem(c.connector, () => outcome.message || msg('The sign-in did not complete.'));
      } else if (now?.status === 'connected') {
        this.#announceConnected(now);
        this.#changed();
      } else if (outcome.status === 'closed') {
        this.#unfinished.add(c.connector);
        this.notice = () => msg(str`The sign-in window was closed before ${c.display_name} was connected.`);
      } else {
        this.notice = undefined;
        this.#setProblem(c.connector, () => msg(str`${c.display_name} is still not connected. Please try again.`));
      }
    } catch (error) {
      this.notice = undefined;
      this.#setProblem(c.connector, () => describeError(error, msg('This connection is not available any more.')));
    } finally {
      if (this.#signInAbort === abort) {
        this.#signInAbort = undefined;
        this.signingIn = '';
        this.#focusAction(c);
      }
    }
  }

  #cancelSignIn = (): void => {
    this.#signInAbort?.abort(CLOSE_WINDOW);
  };

  #askDisconnect(c: Connection): void {
    this.confirming = c.connector;
    this.editing = '';
    this.notice = undefined;
    this.#focus = `[data-connector="${CSS.escape(c.connector)}"] [part~="cancel-button"]`;
  }

  #closeConfirm(c: Connection): void {
    this.confirming = '';
    this.#focusAction(c, 'disconnect-button');
  }

  async #disconnect(c: Connection): Promise<void> {
    if (!this.api || this.busy) return;
    this.busy = c.connector;
    this.#setProblem(c.connector, undefined);
    try {
      await this.api.request<void>('DELETE', paths.connection(c.connector));
      this.confirming = '';
      await this.#list.run();
      this.notice = () => msg(str`${c.display_name} disconnected.`);
      this.emit('pan-disconnected', { detail: { connector: c.connector } });
      this.#focusAction(c);
      this.#changed();
    } catch (error) {
      this.#setProblem(c.connector, () => describeError(error, msg('This connection is not available any more.')));
    } finally {
      this.busy = '';
    }
  }
}
