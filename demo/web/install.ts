import { connectMarketplace } from './session.ts';

// The host's own page for one integration: /install/<slug> shows only its install flow.
const slug = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] ?? '');
void connectMarketplace((marketplace) => marketplace.setAttribute('integration', slug));
