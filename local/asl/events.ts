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
export class EventLog {
  readonly events: HistoryEvent[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly listener?: (event: HistoryEvent) => void
  ) {}

  emit(type: string, stateName?: string, details?: Record<string, unknown>): number {
    const id = this.events.length + 1;
    const event: HistoryEvent = {
      id,
      previousEventId: id - 1,
      type,
      timestamp: new Date(this.clock.now()).toISOString(),
    };
    if (stateName !== undefined) event.stateName = stateName;
    if (details !== undefined) event.details = details;
    this.events.push(event);
    this.listener?.(event);
    return id;
  }
}
