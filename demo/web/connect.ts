import { connectMarketplace } from './session.ts';

// The host's onboarding page: /connect shows only the connect buttons (auth-only mode). The token
// for this page names the integrations and their preset settings (see demo/src/host-app.ts).
void connectMarketplace(() => {}, 'connect');
