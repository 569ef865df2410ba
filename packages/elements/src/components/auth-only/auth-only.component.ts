import { consume, provide } from '@lit/context';
import { initialState, Task } from '@lit/task';
import { html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { AuthOnlyView, Tenant } from '@pan/contract';
import * as paths from '@pan/contract/paths';
import type {} from '../../events/events.ts';
import { PanApiError, type RunApiClient } from '../../internal/api-client.ts';
import { apiContext } from '../../internal/api-context.ts';
import { msg, str } from '../../internal/locale.ts';
import { PanElement } from '../../internal/pan-element.ts';
import { baseStyles, buttonStyles, stateStyles } from '../../internal/shared.styles.ts';
import { statusStyles } from '../../internal/status.styles.ts';
import { describeError, initials } from '../../internal/views.ts';
import styles from './auth-only.styles.ts';

type Entry = AuthOnlyView['integrations'][number];

/**
 * @summary Auth-only mode: the connect buttons of the integrations the token names
 * (`xti.auth_only`), grouped per integration. Each is installed, with the settings the token
 * presets, as soon as all its connections are made; no settings are ever shown.
 *
 * @event {PanInstalledEvent} pan-installed - An integration was set up; `detail: {tenant: {id, integration}}`.
 * @event {PanConnectedEvent} pan-connected - A connection was made; `detail: {connector}`.
 * @event {PanDisconnectedEvent} pan-disconnected - One was removed; `detail: {connector}`.
 * @event {PanReconnectNeededEvent} pan-reconnect-needed - One needs the user to sign in again; `detail: {connector, reason}`.
 *
 * @csspart integration - One integration's group.
 * @csspart integration-logo - Its logo, or its initials.
 * @csspart integration-name - Its name.
 * @csspart integration-status - "Installed", "Setting up…" or "Not set up".
 * @csspart connections - Its `<pan-connections>`.
 * @csspart problem - Why it could not be set up.
 * @csspart empty - Shown when the token names no integration that can be set up.
 *
 * @cssproperty --pan-font-family - Global token: the font stack (all `--pan-*` tokens of `<pan-marketplace>` apply).
 * @cssproperty --pan-color-accent - Semantic token: buttons and focus (see `<pan-marketplace>` for all tokens).
 * @cssproperty --pan-color-surface - Semantic token: surfaces (see `<pan-marketplace>` for all tokens).
 * @cssproperty --pan-color-danger-strong - Semantic token: errors and the "Reconnect" status (see `<pan-marketplace>` for all tokens).
 * @cssproperty --pan-radius-l - Global token: the integration groups' radius (also -m).
 * @cssproperty --pan-space-m - Global token: spacing (also -xs, -s, -l).
 * @cssproperty --pan-shadow-s - Global token: the groups' shadow.
 */
export class PanAuthOnly extends PanElement {
  static override styles = [baseStyles, buttonStyles, stateStyles, statusStyles, styles];

  /**
   * The API client (it handles the token). Inside another element that has one, such as
   * `<pan-marketplace>`, it comes from there; set it by hand when the element is used on its own.
   */
  @consume({ context: apiContext, subscribe: true })
  @provide({ context: apiContext })
  @property({ attribute: false })
  api?: RunApiClient;

  /** The title (level-2 heading). Default: "Connect your accounts", in the element's language. */
  @property() heading?: string;

  /** Slugs being installed. */
  @state() private installing: readonly string[] = [];
  /** The error of each integration that could not be set up (described at render, in the element's language). */
  @state() private problems: Readonly<Record<string, unknown>> = {};


  /** Slugs whose install failed: not tried again until a connection changes. */
  readonly #failed = new Set<string>();

  readonly #view = new Task(this, {
    args: () => [this.api] as const,
    task: async ([api], { signal }) => {
      if (!api) return initialState;
      return api.get<AuthOnlyView>(paths.authOnly, {}, signal);
    },
    onComplete: (view) => {
      for (const entry of view.integrations) void this.#installIfReady(entry);
    },
  });

  override render(): TemplateResult {
    // Not a landmark of its own: the marketplace around it is one, with the same name.
    return html`<div class="auth">
      <h2 id="auth-title" class="title" tabindex="-1">${this.heading ?? msg('Connect your accounts')}</h2>
      ${this.#view.render({
        pending: () =>
          this.#view.value
            ? this.#renderList(this.#view.value)
            : html`<div class="state" aria-busy="true"><p class="state__title">${msg('Loading…')}</p></div>`,
        complete: (view) => this.#renderList(view),
        error: (error) => html`<div class="state state--error" role="alert">
          <p class="state__title">${msg('This could not be loaded')}</p>
          <p class="state__text">${describeError(error)}</p>
          <button type="button" class="button" @click=${() => this.#view.run()}>${msg('Retry')}</button>
        </div>`,
      })}
    </div>`;
  }

  #renderList(view: AuthOnlyView): TemplateResult {
    if (view.integrations.length === 0) {
      return html`<div class="state" part="empty"><p class="state__title">${msg('There is nothing to connect here')}</p></div>`;
    }
    return html`<p class="intro">${msg('Connect these accounts: each integration is set up as soon as its accounts are connected.')}</p>
      <ul class="list" role="list">
        ${view.integrations.map((entry) => this.#renderEntry(entry))}
      </ul>`;
  }

  #renderEntry(entry: Entry): TemplateResult {
    const { integration, connections, tenant } = entry;
    const installing = this.installing.includes(integration.slug);
    const problem = integration.slug in this.problems
      ? msg(str`${integration.name} could not be set up: ${describeError(this.problems[integration.slug], msg('it is not available any more.'))}`)
      : '';
    const titleId = `integration-${integration.slug}`;
    return html`<li class="integration" part="integration">
      <div class="integration__head">
        ${integration.logo_url
          ? html`<img class="logo" part="integration-logo" src=${integration.logo_url} alt="" @error=${hide} />`
          : html`<span class="logo logo--initials" part="integration-logo" aria-hidden="true">${initials(integration.name)}</span>`}
        <h3 id=${titleId} class="integration__name" part="integration-name">${integration.name}</h3>
        <span
          class=${tenant ? 'status' : 'status status--off'}
          part="integration-status"
          role="status"
        >${tenant ? msg('Installed') : installing ? msg('Setting up…') : msg('Not set up')}</span>
      </div>
      ${connections.length
        ? html`<pan-connections
            part="connections"
            .connectors=${connections.map((c) => c.connector)}
            tenant-id=${tenant?.id ?? ''}
            @pan-connected=${this.#onConnectionChange}
            @pan-disconnected=${this.#onConnectionChange}
          ></pan-connections>`
        : html`<p class="integration__text">${msg('Nothing to connect.')}</p>`}
      ${problem ? html`<p class="problem" part="problem" role="alert">${problem}</p>` : nothing}
    </li>`;
  }

  /** Installs the integration (its settings come from the token) once every connection is made. */
  async #installIfReady(entry: Entry): Promise<void> {
    const { integration, connections, tenant } = entry;
    const slug = integration.slug;
    if (!this.api || tenant || this.installing.includes(slug) || this.#failed.has(slug)) return;
    if (!connections.every((c) => c.status === 'connected')) return;
    this.installing = [...this.installing, slug];
    this.#setProblem(slug, undefined);
    try {
      const created = await this.api.request<Tenant>('POST', paths.authOnlyInstall(slug));
      this.emit('pan-installed', {
        detail: { tenant: { id: created.id, integration: { id: integration.id, slug, name: integration.name } } },
      });
    } catch (error) {
      // Installed meanwhile (another tab): the reload shows it.
      if (!(error instanceof PanApiError && error.code === 'PAN_ERR_TENANT_ALREADY_INSTALLED')) {
        this.#failed.add(slug);
        this.#setProblem(slug, error);
      }
    } finally {
      this.installing = this.installing.filter((s) => s !== slug);
    }
    await this.#view.run();
  }

  #onConnectionChange = (): void => {
    this.#failed.clear();
    void this.#view.run();
  };

  #setProblem(slug: string, error: unknown): void {
    const { [slug]: _old, ...rest } = this.problems;
    this.problems = error === undefined ? rest : { ...rest, [slug]: error };

  }
}

function hide(event: Event): void {
  (event.target as HTMLElement).hidden = true;
}

