import { consume, provide } from '@lit/context';
import { Task, TaskStatus } from '@lit/task';
import { html } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { Tenant, TenantList } from '@pan/contract';
import * as paths from '@pan/contract/paths';
import type {} from '../../events/events.ts';
import type { PanInstalledEvent } from '../../events/pan-installed.ts';
import type { PanNavigateEvent } from '../../events/pan-navigate.ts';
import type { RunApiClient } from '../../internal/api-client.ts';
import { apiContext } from '../../internal/api-context.ts';
import { msg } from '../../internal/locale.ts';
import { PanElement } from '../../internal/pan-element.ts';
import { stateStyles } from '../../internal/shared.styles.ts';
import { describeError } from '../../internal/views.ts';
import { settingsFormParts } from '../../internal/form-parts.ts';

/**
 * @summary One integration's page in install-only mode: its install flow, or, once installed,
 * its settings page (and the flow again after an uninstall).
 *
 * @csspart field-input - A settings form's input; every part of `<pan-settings-form>`'s form (field,
 *   field-label, field-select, group-legend, array-add-button, ...) is forwarded with `exportparts`.
 *
 * @cssproperty --pan-font-family - Global token: the font stack; every `--pan-*` token applies to the install flow and settings page it shows.
 */
export class PanInstallPage extends PanElement {
  static override styles = [stateStyles];

  /**
   * The API client (it handles the token). Inside another element that has one, such as
   * `<pan-marketplace>`, it comes from there; set it by hand when the element is used on its own.
   */
  @consume({ context: apiContext, subscribe: true })
  @provide({ context: apiContext })
  @property({ attribute: false })
  api?: RunApiClient;

  @property() slug = '';

  /** The user's installation of the integration ('' when there is none). */
  @state() private tenantId = '';

  readonly #existing = new Task(this, {
    args: () => [this.api, this.slug] as const,
    task: async ([api, slug], { signal }) => {
      if (!api || !slug) throw new Error('No integration');
      const { tenants } = await api.get<TenantList>(paths.tenants, {}, signal);
      return tenants.find((t) => t.integration.slug === slug)?.id ?? '';
    },
    onComplete: (tenantId) => {
      this.tenantId = tenantId;
    },
  });

  /** Also waits for the user's installations to load (or fail to) and the view they decide to render. */
  protected override async getUpdateComplete(): Promise<boolean> {
    let done = await super.getUpdateComplete();
    while (this.#existing.status === TaskStatus.PENDING) {
      await this.#existing.taskComplete.catch(() => {});
      done = await super.getUpdateComplete();
    }
    return done;
  }

  override render() {
    return this.#existing.render({
      pending: () => html`<div class="state" aria-busy="true"><p class="state__title">${msg('Loading…')}</p></div>`,
      error: (error) => html`<div class="state state--error" role="alert">
        <p class="state__title">${msg("Couldn't load this integration")}</p>

        <p class="state__text">${describeError(error)}</p>
      </div>`,
      complete: () =>
        this.tenantId
          ? html`<pan-tenant-page
              exportparts=${settingsFormParts}
              tenant-id=${this.tenantId}
              @pan-uninstalled=${() => (this.tenantId = '')}
            ></pan-tenant-page>`
          : html`<pan-install-flow
              exportparts=${settingsFormParts}
              slug=${this.slug}
              @pan-installed=${(e: PanInstalledEvent) => (this.tenantId = e.detail.tenant.id)}
              @pan-navigate=${(e: PanNavigateEvent) => {
                if (e.detail.view === 'tenant' && e.detail.tenantId) this.tenantId = e.detail.tenantId;
              }}
            ></pan-install-flow>`,
    });
  }
}
