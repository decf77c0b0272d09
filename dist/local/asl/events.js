/** Appends events with increasing ids and hands each to the listener. */
export class EventLog {
    clock;
    listener;
    events = [];
    constructor(clock, listener) {
        this.clock = clock;
        this.listener = listener;
    }
    emit(type, stateName, details) {
        const id = this.events.length + 1;
        const event = {
            id,
            previousEventId: id - 1,
            type,
            timestamp: new Date(this.clock.now()).toISOString(),
        };
        if (stateName !== undefined)
            event.stateName = stateName;
        if (details !== undefined)
            event.details = details;
        this.events.push(event);
        this.listener?.(event);
        return id;
    }
}
