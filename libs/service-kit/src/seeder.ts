import type { DemoDataSpec, SeedProgress } from '@tributary/demo-data';

/** How a service fills its own database with its part of a demo data set. */
export interface Seeder {
  /** True when the service's tables hold no rows. */
  isEmpty(): Promise<boolean>;
  /** Deletes every row of the service's tables. */
  wipe(): Promise<void>;
  seed(spec: DemoDataSpec, progress: SeedProgress): Promise<void>;
}
export const SEEDER = Symbol('SEEDER');
