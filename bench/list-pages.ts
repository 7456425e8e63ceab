// node dist/bench/list-pages.js <orders service URL> [label]
// Times GET /v1/orders pages against a running orders service (60 sequential requests
// per cell after 10 of warm-up): what one list page costs, e.g. before and after a
// change to the list path, on the same database.
const base = process.argv[2] ?? 'http://127.0.0.1:4002';
const label = process.argv[3] ?? base;

async function get(path: string): Promise<{ ms: number; body: { nextPageToken?: string } }> {
  const started = performance.now();
  const response = await fetch(base + path);
  const body = (await response.json()) as { nextPageToken?: string };
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
  return { ms: performance.now() - started, body };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function cell(name: string, pathOf: (i: number) => string): Promise<void> {
  for (let i = 0; i < 10; i++) await get(pathOf(i));
  const ms: number[] = [];
  for (let i = 0; i < 60; i++) ms.push((await get(pathOf(i))).ms);
  console.log(`${label}\t${name}\tp50 ${percentile(ms, 0.5).toFixed(1)} ms\tp95 ${percentile(ms, 0.95).toFixed(1)} ms`);
}

await cell('first page of 1000', () => '/v1/orders?pageSize=1000');
const tokens: string[] = [];
let token: string | undefined;
for (let i = 0; i < 70; i++) {
  token = (await get(`/v1/orders?pageSize=1000${token ? `&pageToken=${token}` : ''}`)).body.nextPageToken;
  if (!token) break;
  tokens.push(token);
}
await cell(`later pages of 1000 (the first ${tokens.length})`, (i) => `/v1/orders?pageSize=1000&pageToken=${tokens[i % tokens.length]}`);
await cell('updatedSince 2026-10-01, 1000', () => '/v1/orders?pageSize=1000&updatedSince=2026-10-01T00:00:00Z');
await cell('first page of 10', () => '/v1/orders?pageSize=10');
