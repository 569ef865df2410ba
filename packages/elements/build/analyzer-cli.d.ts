// The analyzer ships types for its `create()` entry only; this is its CLI's, which build/manifest.ts runs.
declare module '@custom-elements-manifest/analyzer/cli.js' {
  export function cli(options: { argv?: string[]; cwd?: string; noWrite?: boolean }): Promise<unknown>;
}
