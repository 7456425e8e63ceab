// node scripts/query-mart.mjs <folder> ["SQL over the view mart"]
// Reads an exported Parquet mart with DuckDB (@duckdb/node-api, a development dependency
// that `npm ci` installs): every part under <folder>, month=YYYY-MM folders as a column.
import { DuckDBInstance } from '@duckdb/node-api';

const [folder, sql = 'SELECT * FROM mart LIMIT 10'] = process.argv.slice(2);
if (!folder) {
  console.error('usage: node scripts/query-mart.mjs <folder of an export> ["SELECT … FROM mart …"]');
  process.exit(2);
}
const connection = await (await DuckDBInstance.create(':memory:')).connect();
await connection.run(`CREATE VIEW mart AS SELECT * FROM read_parquet('${folder.replaceAll("'", "''")}/**/*.parquet', hive_partitioning = true)`);
const result = await connection.runAndReadAll(sql);
console.table(result.getRowObjectsJson());
connection.closeSync();
