/**
 * The default branch of an exhaustive `switch`: it compiles only when every case is
 * handled, so a new member of a union fails `npm run check` where it is not mapped.
 */
export function assertUnreachable(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
