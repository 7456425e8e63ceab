/** The most ids one batch call may carry (DESIGN.md, AIP-231). */
export const MAX_BATCH_SIZE = 1000;
/** Page size when the caller gives none, or 0 (AIP-158). */
export const DEFAULT_PAGE_SIZE = 100;
/** A larger page size is lowered to this one rather than refused (AIP-158). */
export const MAX_PAGE_SIZE = 1000;
/** Ids are UUIDv7 strings; anything longer than this is not an id of ours. */
export const MAX_ID_LENGTH = 64;
