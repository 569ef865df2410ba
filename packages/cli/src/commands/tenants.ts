import type { Command } from 'commander';
import { addApiOptions, apiFailure, hostApi, runAction } from '../api-options.ts';
import { EXIT_CODES_HELP, ExitCode } from '../exit-codes.ts';
import { listTenants, type HostTenant } from '../host-api.ts';

interface ListOptions {
  user?: string;
  integration?: string;
  limit?: string;
  skip?: string;
  sort?: string;
  archived?: boolean;
  json?: boolean;
  apiBase: string;
  apiKey?: string;
}

const COLUMNS = ['id', 'integration_slug', 'name', 'paused', 'created_date'] as const;

export function registerTenants(program: Command): void {
  const tenants = program
    .command('tenants')
    .description("Look at the account's tenants (installations) through the host API")
    .addHelpText('after', EXIT_CODES_HELP);

  addApiOptions(
    tenants
      .command('list')
      .description('List tenants (GET /v2/tenants), newest first')
      .option('--user <name>', 'only the tenants of this end user (the JWT sub)')
      .option('--integration <slug-or-id>', 'only the tenants of this integration (its slug or integer id)')
      .option('--limit <n>', 'at most this many (1-500, default 100)')
      .option('--skip <n>', 'skip this many first (paging)')
      .option('--sort <field__DIR>', 'created_date, modified_date, name or id, then __ASC or __DESC (default created_date__DESC)')
      .option('--archived', 'list archived (uninstalled) tenants instead', false)
      .option('--json', 'print the API\'s JSON array instead of a table'),
  )
    .addHelpText(
      'after',
      `
Examples:
  pan tenants list
  pan tenants list --integration hubspot-contacts --user user-42
  pan tenants list --sort name__ASC --limit 20 --skip 40
  pan tenants list --json | jq '.[].id'

Exit codes: 0 listed, 2 usage (no API key), 3 the server refused (e.g. a bad --sort; its code and
message are printed) or could not be reached.`,
    )
    .action(async (opts: ListOptions) => {
      await runAction('pan tenants list', async () => {
        const api = hostApi(opts);
        let rows: HostTenant[];
        try {
          rows = await listTenants(api, {
            userName: opts.user,
            integration: opts.integration,
            limit: opts.limit,
            skip: opts.skip,
            sortBy: opts.sort,
            archived: opts.archived,
          });
        } catch (error) {
          throw apiFailure(error, opts.apiBase);
        }
        if (opts.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        else process.stdout.write(tenantTable(rows));
        return ExitCode.Ok;
      });
    });
}

/** A plain-text table, one tenant per line, columns padded to their widest value. */
export function tenantTable(rows: HostTenant[]): string {
  if (rows.length === 0) return 'No tenants.\n';
  const cells = [COLUMNS as readonly string[], ...rows.map((row) => COLUMNS.map((column) => String(row[column] ?? '')))];
  const widths = COLUMNS.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)));
  return cells.map((line) => line.map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n') + '\n';
}
