/**
 * `true` when A and B have exactly the same fields, else a type naming the ones each
 * lacks. A class declares that it is a contract's shape, both ways, with
 *
 *   const _customerDtoIsTheContract: SameFields<CustomerDto, Customer> = true;
 *
 * so that a field added on one side and not the other fails `npm run check`.
 * (`implements` alone misses a field the class has and the contract lacks.)
 */
export type SameFields<A, B> = [Exclude<keyof A, keyof B>, Exclude<keyof B, keyof A>] extends [never, never]
  ? true
  : { onlyInFirst: Exclude<keyof A, keyof B>; onlyInSecond: Exclude<keyof B, keyof A> };

/** `true` when A and B are the same type (such as two declarations of one enum), else false. */
export type SameType<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
