import { LitElement, type PropertyValues } from 'lit';
import { localize, renderIn, unlocalize } from './locale.ts';

/** Names of the `pan-*` events declared in `GlobalEventHandlersEventMap` (see `src/events/`). */
export type PanEventName = {
  [K in keyof GlobalEventHandlersEventMap]: K extends `pan-${string}` ? K : never;
}[keyof GlobalEventHandlersEventMap];

/** The `detail` type of a `pan-*` event. */
export type PanEventDetail<K extends PanEventName> =
  GlobalEventHandlersEventMap[K] extends CustomEvent<infer D> ? D : never;

export interface PanEmitOptions<K extends PanEventName> {
  detail: PanEventDetail<K>;
  /** Only for requests the host may veto. Default `false`. */
  cancelable?: boolean;
  /** Default `true`. */
  bubbles?: boolean;
  /** Default `true`: the event crosses shadow roots up to the host page. */
  composed?: boolean;
}

/**
 * The base class of every `pan-*` element. It renders in its locale (see `locale.ts`): `msg()`
 * during `render()` translates into the `lang` of the element or its nearest ancestor.
 */
export class PanElement extends LitElement {
  override connectedCallback(): void {
    super.connectedCallback();
    localize(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    unlocalize(this);
  }

  protected override update(changed: PropertyValues): void {
    renderIn(this, () => super.update(changed));
  }

  readonly #internals: ElementInternals | undefined =
    typeof this.attachInternals === 'function' ? this.attachInternals() : undefined;

  /** Turns the custom state `name` on or off, for hosts to style with `:state(name)`. */
  protected toggleState(name: string, on: boolean): void {
    const states = this.#internals?.states;
    if (!states) return;
    try {
      if (on) states.add(name);
      else states.delete(name);
    } catch {
      // Browsers that only accept `--dashed` state names: no custom states there.
    }
  }

  /**
   * Dispatches a `pan-*` CustomEvent from the element (`bubbles` and `composed` by default) and
   * returns it, so the caller can check `defaultPrevented` after a cancelable request.
   */
  emit<K extends PanEventName>(name: K, options: PanEmitOptions<K>): GlobalEventHandlersEventMap[K] {
    const event = new CustomEvent(name, {
      bubbles: true,
      composed: true,
      cancelable: false,
      ...options,
    });
    this.dispatchEvent(event);
    return event as GlobalEventHandlersEventMap[K];
  }

  /**
   * Registers the element under `tag`. Safe to call more than once, and when the tag is already
   * registered (by this class, another copy of it, or something else): the first definition wins.
   */
  static define(tag: string): void {
    const registry = globalThis.customElements;
    if (!registry || registry.get(tag)) return;
    try {
      registry.define(tag, this);
    } catch {
      // This constructor is already registered under another tag: register a subclass instead.
      registry.define(tag, class extends this {});
    }
  }
}
