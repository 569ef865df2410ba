import { createRef } from 'react';
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { SettingsFormView, type SettingsFormHandle, type SettingsFormProps, type SettingsValue } from './SettingsForm.tsx';
import { adoptSettingsFormStyles } from './styles.ts';

/** What `renderSettingsForm` returns: the rendered form, to update, query or remove. */
export interface SettingsFormController {
  /** Renders again with new props (the same React root). */
  update(props: SettingsFormProps): void;
  /** Validates, shows every error, focuses the first invalid field; true when valid. */
  reportValidity(): boolean;
  /** Whether the current value is valid (nothing shown). */
  checkValidity(): boolean;
  /** The current value (a plain copy). */
  readonly value: SettingsValue;
  /** Unmounts the form and forgets the container. */
  unmount(): void;
}

interface Mounted {
  root: Root;
  handle: ReturnType<typeof createRef<SettingsFormHandle>>;
  controller: SettingsFormController;
}

const mounted = new WeakMap<Element, Mounted>();

/**
 * Renders the settings form into `container`, an element inside a shadow root whose style sheets
 * receive the theme's (adopted, never in `document.head`). The first call creates the React root;
 * later calls with the same container re-render it. Rendering is synchronous: when this returns,
 * the form is in the DOM.
 */
export function renderSettingsForm(container: Element, props: SettingsFormProps): SettingsFormController {
  let entry = mounted.get(container);
  if (!entry) {
    const rootNode = container.getRootNode();
    if (rootNode instanceof ShadowRoot) adoptSettingsFormStyles(rootNode);
    const root = createRoot(container);
    const handle = createRef<SettingsFormHandle>();
    const controller: SettingsFormController = {
      update: (next) => render(root, handle, next),
      reportValidity: () => handle.current?.reportValidity() ?? false,
      checkValidity: () => handle.current?.checkValidity() ?? false,
      get value() {
        return handle.current?.value ?? {};
      },
      unmount: () => {
        mounted.delete(container);
        root.unmount();
      },
    };
    entry = { root, handle, controller };
    mounted.set(container, entry);
  }
  render(entry.root, entry.handle, props);
  return entry.controller;
}

function render(root: Root, handle: Mounted['handle'], props: SettingsFormProps): void {
  flushSync(() => root.render(<SettingsFormView {...props} ref={handle} />));
}
