/**
 * Limits the API enforces and its clients must respect. The web client's batch link splits
 * batches at this size; the server refuses larger ones with a 400.
 */
export const MAX_BATCH_SIZE = 16;
