import { act, createRef } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cardButton, cardNames, settled, signToken, stack } from '../../elements/test/harness.ts';
import { PanMarketplace, type PanNavigateEvent } from '../src/index.ts';

// React's act() outside a test renderer: tell it this is a test environment.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let root: Root | undefined;
let container: HTMLElement | undefined;

afterEach(() => {
  act(() => root?.unmount());
  container?.remove();
  root = container = undefined;
});

describe('@pan/react <PanMarketplace>', () => {
  it('renders the catalog from the run API in React 19 and calls onPanNavigate with the typed event', async () => {
    const token = await signToken('sales');
    const ref = createRef<HTMLElementTagNameMap['pan-marketplace']>();
    const navigations: PanNavigateEvent['detail'][] = [];
    const onPanNavigate = vi.fn((event: PanNavigateEvent) => navigations.push(event.detail));
    container = document.createElement('div');
    document.body.append(container);
    root = createRoot(container);
    act(() => root!.render(<PanMarketplace ref={ref} apiBase={stack.apiBase} token={token} label="Our integrations" onPanNavigate={onPanNavigate} />));

    const el = ref.current!;
    expect(el.localName).toBe('pan-marketplace');
    // Props were set as properties: the token never becomes an attribute.
    expect(el.token).toBe(token);
    expect(el.hasAttribute('token')).toBe(false);
    await settled(el);
    expect(cardNames(el)).toEqual(['HubSpot Contacts', 'Salesforce Leads', 'Slack Alerts', 'Zapier']);

    cardButton(el, 'HubSpot Contacts').click();
    await expect.poll(() => navigations).toEqual([{ view: 'detail', slug: 'hubspot-contacts' }]);
    expect(onPanNavigate.mock.calls[0]![0]).toBeInstanceOf(CustomEvent);
  });
});
