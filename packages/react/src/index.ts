/**
 * React components for the `pan-*` elements (`@lit/react`): element properties as props, and an
 * `onPanXY` prop for each `pan-x-y` event the element fires, typed with its event.
 *
 * Importing this registers the elements (`@pan/elements/define`: `<pan-marketplace>` at once,
 * the others from lazily loaded chunks).
 */
import '@pan/elements/define';

export * from './components.ts';
