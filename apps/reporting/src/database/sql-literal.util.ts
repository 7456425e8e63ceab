/** A string as a SQL literal, for the statements that take no parameters (DDL: roles, policies). */
export const sqlLiteral = (value: string) => `'${value.replaceAll("'", "''")}'`;
