// npm run bench [-- --quick | --full] [--database-url postgresql://…] [--out DIR]
import { benchOptionsFromArgs, USAGE } from './bench-options.js';
import { runBench } from './run-bench.js';

const args = process.argv.slice(2);
let options;
try {
  options = benchOptionsFromArgs(args);
} catch (error) {
  console.error(`${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
const command = ['npm run bench', ...(args.length ? ['--', ...args.map((a) => a.replace(/\/\/[^@/]*@/, '//…@'))] : [])].join(' ');
const results = await runBench(options, command, (line) => console.log(line));
const wrong = results.scenarios.flatMap((s) => Object.values(s.contenders)).reduce((sum, cell) => sum + cell.mismatches, 0);
if (wrong > 0) {
  console.error(`${wrong} answers differed from direct SQL's: see "Problems" in the results.`);
  process.exit(1);
}
