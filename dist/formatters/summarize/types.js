/**
 * The ExecutionSummary: everything the message needs about one execution, reduced from its history. Plain
 * JSON (numbers, strings, arrays), bounded in size so it fits through Step Functions (well under 64 KiB).
 * Times are epoch milliseconds; a time or duration that could not be read is absent (unknown), never zero.
 */
export {};
