const e = encodeURIComponent;

export const connections = '/marketplace/connections';
export const connection = (connector: string) => `/marketplace/connections/${e(connector)}`;
export const connectionOAuth = (connector: string) => `/marketplace/connections/${e(connector)}/oauth`;
export const authOnly = '/marketplace/auth-only';
export const authOnlyInstall = (slug: string) => `/marketplace/auth-only/${e(slug)}/install`;
