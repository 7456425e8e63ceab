/**
 * Who may do what at the gateway. A role is a set of root fields (access-list.ts);
 * `admin` may use every field.
 */
export const ROLES = ['reporter', 'exporter', 'placer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The client a request comes from, as its credential proves it. */
export interface Principal {
  /** Who: an API key's id, a token's `sub`, or `development` for an anonymous request in development. */
  subject: string;
  /** What rate limits count by: `key:<id>`, `jwt:<issuer>#<sub>`, or `ip:<address>` for an anonymous request. */
  clientId: string;
  roles: readonly Role[];
  /** How it was proven. */
  via: 'api-key' | 'jwt' | 'development';
  /** An API key's name, for logs. */
  name?: string;
}

declare module 'http' {
  interface IncomingMessage {
    /** Set by the authentication middleware on every request to /graphql that it lets through. */
    principal?: Principal;
  }
}
