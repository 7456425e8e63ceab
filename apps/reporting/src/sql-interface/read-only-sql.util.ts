/**
 * Whether a statement a reader sent may run on the embedded store. PGlite is one
 * session shared by the reporting app and every reader, so a reader must not change
 * that session (SET, RESET, set_config), end the read-only transaction it runs in
 * (COMMIT, several statements at once), or hold the database (sleeps, locks). Writes
 * need no list: the transaction is read-only and the reader's role may only select.
 * Undefined when the statement may run; else why not.
 */
export function readOnlyRefusal(sql: string): string | undefined {
  const code = withoutLiteralsAndComments(sql).trim().replace(/;\s*$/, '');
  if (code === '') return undefined;
  if (code.includes(';')) return 'one statement at a time on the embedded SQL interface';
  if (!/^(select|with|show|explain|table|values)\b/i.test(code)) {
    return `only SELECT, WITH, TABLE, VALUES, SHOW and EXPLAIN run on the read-only SQL interface, not ${code.split(/\s/, 1)[0]!.toUpperCase()}`;
  }
  const forbidden = /\b(set_config|pg_sleep\w*|pg_advisory\w*|pg_try_advisory\w*|dblink\w*|lo_\w+|pg_read_\w+|pg_ls_\w+|pg_terminate_backend|pg_cancel_backend|pg_reload_conf|pg_notify|nextval|setval)\s*\(/i.exec(code);
  if (forbidden) return `${forbidden[1]} is not available on the read-only SQL interface`;
  return undefined;
}

/** The statement with string literals, quoted identifiers' contents and comments blanked. */
function withoutLiteralsAndComments(sql: string): string {
  return sql
    .replace(/\$([A-Za-z_]\w*)?\$[\s\S]*?\$\1\$/g, "''")
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/"(?:[^"]|"")*"/g, '""')
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ');
}
