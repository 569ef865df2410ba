import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { Schedule } from '@pan/contract';
import type {} from '../../events/events.ts';
import { formatDate } from '../../internal/format.ts';
import { msg, str } from '../../internal/locale.ts';
import { PanElement } from '../../internal/pan-element.ts';
import { baseStyles } from '../../internal/shared.styles.ts';
import {
  describeSchedule,
  INTERVAL_MAXIMUM,
  INTERVAL_MINIMUM,
  INTERVAL_UNITS,
  nextRuns,
  SCHEDULE_TIMEZONE,
  scheduleProblem,
  timeZones,
  type IntervalUnit,
  type MissedFires,
  unitName,
} from './schedule.ts';
import styles from './schedule-editor.styles.ts';

type Mode = 'default' | 'interval' | 'cron' | 'none';

/** The next run times as their wall-clock time in the schedule's zone, with the zone's short name. */
/** A next run, in the element's locale and the schedule's zone. */
const formatRun = (date: Date, timeZone: string): string =>
  formatDate(date, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short' });

/**
 * @summary Picks when an integration runs: its default, every N minutes/hours/days/weeks, a cron
 * expression, or only when triggered; the time zone it is read in and what a run missed during
 * downtime becomes; with a plain-language preview and the next run times in that zone.
 *
 * @event {PanScheduleChangeEvent} pan-schedule-change - The choice changed;
 *   `detail: {schedule, valid, timeZone, missedFires}` (`schedule` is `undefined` for the default, `null` for none).
 *
 * @csspart preview - The plain-language summary and the next run times.
 *
 * @cssproperty --pan-font-family - Global token: the font stack (all `--pan-*` tokens of `<pan-marketplace>` apply).
 * @cssproperty --pan-color-accent - Semantic token: the chosen option and focus (see `<pan-marketplace>` for all tokens).
 * @cssproperty --pan-color-surface - Semantic token: inputs' surface (see `<pan-marketplace>` for all tokens).
 * @cssproperty --pan-color-danger - Semantic token: an invalid expression (see `<pan-marketplace>` for all tokens).
 * @cssproperty --pan-radius-m - Global token: inputs' radius (also -s).
 * @cssproperty --pan-space-xs - Global token: spacing (also -2xs, -s).
 * @cssproperty --pan-font-size-s - Global token: the preview and next run times.
 */
export class PanScheduleEditor extends PanElement {
  static override styles = [baseStyles, styles];

  /**
   * The chosen schedule: `undefined` = the integration's default, `null` = only when triggered.
   * Setting an equal schedule again (a new object, same content) keeps what the user chose since.
   */
  @property({ attribute: false, hasChanged: (value, old) => JSON.stringify(value) !== JSON.stringify(old) })
  value: Schedule | null | undefined = undefined;

  /** The integration's default schedule (`null`: it has none). */
  @property({ attribute: false }) defaultSchedule: Schedule | null = null;

  /** Default: "Schedule", in the element's language. */
  @property() legend?: string;

  /** The IANA time zone the schedule is read in (the tenant's, or the default for a new one). */
  @property({ attribute: 'time-zone' }) timeZone = 'UTC';

  /** After downtime: one catch-up run (`once`) or none (`skip`). */
  @property({ attribute: 'missed-fires' }) missedFires: MissedFires = 'once';

  @state() private mode: Mode = 'default';
  @state() private every = 1;
  @state() private unit: IntervalUnit = 'hours';
  @state() private expression = '0 9 * * 1-5';

  /** The schedule the current choice stands for (`undefined`: the default). */
  get schedule(): Schedule | null | undefined {
    switch (this.mode) {
      case 'default':
        return undefined;
      case 'none':
        return null;
      case 'interval':
        return { type: 'interval', every: this.every, unit: this.unit };
      case 'cron':
        return { type: 'cron', expression: this.expression.trim() };
    }
  }

  checkValidity(): boolean {
    return !this.#problem;
  }

  get #problem(): string | undefined {
    const schedule = this.schedule;
    return schedule === undefined ? undefined : scheduleProblem(schedule);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('value')) return;
    const value = this.value;
    if (value === undefined) this.mode = 'default';
    else if (value === null) this.mode = 'none';
    else if (value.type === 'interval') {
      this.mode = 'interval';
      this.every = value.every;
      this.unit = value.unit;
    } else {
      this.mode = 'cron';
      this.expression = value.expression;
    }
  }

  override render() {
    const problem = this.#problem;
    const schedule = this.schedule;
    const effective = schedule === undefined ? this.defaultSchedule : schedule;
    const zone = this.timeZone || SCHEDULE_TIMEZONE;
    const runs = problem ? [] : nextRuns(effective, 3, new Date(), zone);
    return html`<fieldset>
      <legend>${this.legend ?? msg('Schedule')}</legend>
      ${this.#option(
        'default',
        msg("The integration's default"),
        html`<span class="option__hint">${describeSchedule(this.defaultSchedule, zone)}</span>`,
      )}
      ${this.#option(
        'interval',
        msg('Repeat'),
        html`<span class="option__controls">
          <label for="every">${msg('Every')}</label>
          <input
            id="every"
            type="number"
            inputmode="numeric"
            min=${INTERVAL_MINIMUM[this.unit]}
            max=${INTERVAL_MAXIMUM[this.unit]}
            step="1"
            .value=${String(this.every)}
            ?disabled=${this.mode !== 'interval'}
            aria-invalid=${this.mode === 'interval' && problem ? 'true' : 'false'}
            aria-describedby="schedule-error"
            @input=${(e: Event) => this.#set({ every: Number((e.target as HTMLInputElement).value) })}
          />
          <label class="sr-only" for="unit">${msg('Unit')}</label>
          <select
            id="unit"
            ?disabled=${this.mode !== 'interval'}
            @change=${(e: Event) => this.#set({ unit: (e.target as HTMLSelectElement).value as IntervalUnit })}
          >
            ${INTERVAL_UNITS.map((u) => html`<option value=${u} ?selected=${u === this.unit}>${unitName(u)}</option>`)}
          </select>
        </span>`,
      )}
      ${this.#option(
        'cron',
        msg(str`Custom (cron expression, ${zone})`),
        html`<span class="option__controls">
          <label class="sr-only" for="cron">${msg('Cron expression')}</label>
          <input
            id="cron"
            type="text"
            spellcheck="false"
            autocomplete="off"
            placeholder="*/15 8-17 * * 1-5"
            .value=${this.expression}
            ?disabled=${this.mode !== 'cron'}
            aria-invalid=${this.mode === 'cron' && problem ? 'true' : 'false'}
            aria-describedby="schedule-error schedule-preview"
            @input=${(e: Event) => this.#set({ expression: (e.target as HTMLInputElement).value })}
          />
        </span>`,
      )}
      ${this.#option(
        'none',
        msg('Only when triggered'),
        html`<span class="option__hint">${msg('Runs when you press Run now, or on webhooks and events.')}</span>`,
      )}
      <div class="zone">
        <label for="time-zone">${msg('Time zone')}</label>
        <select id="time-zone" @change=${(e: Event) => this.#set({ timeZone: (e.target as HTMLSelectElement).value })}>
          ${timeZones(zone).map((z) => html`<option value=${z} ?selected=${z === zone}>${z}</option>`)}
        </select>
        <label for="missed-fires">${msg('After downtime')}</label>
        <select id="missed-fires" @change=${(e: Event) => this.#set({ missedFires: (e.target as HTMLSelectElement).value as MissedFires })}>
          <option value="once" ?selected=${this.missedFires === 'once'}>${msg('Run once to catch up')}</option>
          <option value="skip" ?selected=${this.missedFires === 'skip'}>${msg('Skip to the next time')}</option>
        </select>
      </div>
      <p id="schedule-error" class="error" role="alert">${problem ?? nothing}</p>
      <div id="schedule-preview" class="preview" part="preview" aria-live="polite">
        <p class="preview__summary">${problem ? msg('Fix the schedule to see when it runs.') : describeSchedule(effective, zone)}</p>
        ${runs.length
          ? html`<p>${msg('Next runs:')}</p>
              <ol>
                ${runs.map((d) => html`<li><time datetime=${d.toISOString()}>${formatRun(d, zone)}</time>
</li>`)}
              </ol>`
          : nothing}
      </div>
    </fieldset>`;
  }

  #option(mode: Mode, label: string, extra: unknown) {
    return html`<div class="option">
      <input
        type="radio"
        name="mode"
        id=${`mode-${mode}`}
        .checked=${this.mode === mode}
        @change=${() => this.#set({ mode })}
      />
      <label for=${`mode-${mode}`}>${label}</label>
      ${extra}
    </div>`;
  }

  #set(patch: { mode?: Mode; every?: number; unit?: IntervalUnit; expression?: string; timeZone?: string; missedFires?: MissedFires }): void {
    if (patch.mode !== undefined) this.mode = patch.mode;
    if (patch.timeZone !== undefined) this.timeZone = patch.timeZone;
    if (patch.missedFires !== undefined) this.missedFires = patch.missedFires;
    if (patch.every !== undefined) this.every = patch.every;
    if (patch.expression !== undefined) this.expression = patch.expression;
    if (patch.unit !== undefined) {
      this.unit = patch.unit;
      if (this.every < INTERVAL_MINIMUM[patch.unit]) this.every = INTERVAL_MINIMUM[patch.unit];
    }
    this.emit('pan-schedule-change', {
      detail: { schedule: this.schedule, valid: this.checkValidity(), timeZone: this.timeZone, missedFires: this.missedFires },
    });
  }
}
