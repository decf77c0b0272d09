import type { Clock } from './clock.js';
/** A history-like event: the same type names and detail field names as GetExecutionHistory. */
export interface HistoryEvent {
    id: number;
    previousEventId: number;
    type: string;
    /** ISO-8601, from the run's clock. */
    timestamp: string;
    stateName?: string;
    /** The `*EventDetails` content; `input`/`output`/`parameters` are JSON strings as the API returns them. */
    details?: Record<string, unknown>;
}
/** Appends events with increasing ids and hands each to the listener. */
export declare class EventLog {
    private readonly clock;
    private readonly listener?;
    readonly events: HistoryEvent[];
    constructor(clock: Clock, listener?: ((event: HistoryEvent) => void) | undefined);
    emit(type: string, stateName?: string, details?: Record<string, unknown>): number;
}
