/** Every element `define.ts` does not register itself (React and rjsf stay in the form's own lazy chunk). */
import './components/auth-only/pan-auth-only.ts';
import './components/connections/pan-connections.ts';
import './components/install-flow/pan-install-flow.ts';
import './components/install-page/pan-install-page.ts';
import './components/my-integrations/pan-my-integrations.ts';
import './components/run-log/pan-run-log.ts';
import './components/run-panel/pan-run-panel.ts';
import './components/schedule-editor/pan-schedule-editor.ts';
import './components/settings-form/pan-settings-form.ts';
import './components/tenant-page/pan-tenant-page.ts';
