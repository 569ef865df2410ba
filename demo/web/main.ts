import { connectMarketplace } from './session.ts';

void connectMarketplace();
