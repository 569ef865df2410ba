/** The layout test's SQL reader, fed text it must catch and text it must let through. */
import { describe, expect, it } from 'vitest';
import { findSqlOutsideStores, isSql, tablesTouched, writesByForeignModules } from './sql-layout.ts';

describe('the SQL layout reader', () => {
  it('finds a query in a routes file, with its file and line', () => {
    const text = "import x from 'y';\n\nconst rows = await db.query(\n  `SELECT id FROM tenants WHERE id = $1`,\n  [id],\n);\n";
    expect(findSqlOutsideStores([{ file: 'modules/runs/marketplace-routes.ts', text }])).toEqual([
      'modules/runs/marketplace-routes.ts:4: SELECT id FROM tenants WHERE id = $1',
    ]);
    // The same text where SQL belongs is fine.
    expect(findSqlOutsideStores([{ file: 'modules/tenants/store.ts', text }, { file: 'platform/db/pool.ts', text }])).toEqual([]);
  });

  it('tells statements from routes, HTTP methods and comments', () => {
    expect(isSql("SELECT pg_notify('pan_triggers', '')")).toBe(true);
    expect(isSql('INSERT INTO triggers (id) VALUES ($1)')).toBe(true);
    expect(isSql('UPDATE runs r SET status = $1')).toBe(true);
    expect(isSql('DELETE FROM oauth_states WHERE expires_at < now()')).toBe(true);
    expect(isSql('DELETE /v2/tenants/:id')).toBe(false);
    expect(isSql('DELETE')).toBe(false);
    const commented = '// SELECT * FROM tenants\n/* INSERT INTO runs */\nconst a = 1;\n';
    expect(findSqlOutsideStores([{ file: 'http/app.ts', text: commented }])).toEqual([]);
  });

  it('names a write to a table another module owns, and not a read', () => {
    const text = "await q.query('UPDATE tenants SET paused = true WHERE id = $1', [id]);\nawait q.query('SELECT 1 FROM tenants t JOIN runs r ON r.tenant_id = t.id');\n";
    expect(tablesTouched(text)).toEqual({ writes: ['tenants'], reads: ['tenants', 'runs'] });
    expect(writesByForeignModules([{ file: 'modules/runs/store.ts', text }])).toEqual(['modules/runs/store.ts: writes tenants (owned by tenants)']);
    expect(writesByForeignModules([{ file: 'modules/tenants/store.ts', text }])).toEqual([]);
  });
});
