const e = encodeURIComponent;

export const tenantRuns = (id: string) => `/marketplace/tenants/${e(id)}/runs`;
export const runLog = (id: string) => `/marketplace/runs/${e(id)}/log`;
export const trigger = (id: string) => `/marketplace/triggers/${e(id)}`;
export const runReplay = (id: string) => `/marketplace/runs/${e(id)}/replay`;
