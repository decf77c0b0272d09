/** Builds the records exactly as the Pipe hands them to a Step Functions target. */
export function toSqsRecords(messages, queueArn, region) {
    return messages.map((m) => ({
        messageId: m.MessageId,
        receiptHandle: m.ReceiptHandle,
        body: m.Body,
        attributes: { ...m.Attributes },
        messageAttributes: {},
        md5OfBody: m.MD5OfBody,
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn,
        awsRegion: region,
    }));
}
/** True when the target's output reports this message in `batchItemFailures` (partial batch failure). */
function reportedFailed(output, messageId) {
    if (typeof output !== 'object' || output === null)
        return false;
    const failures = output.batchItemFailures;
    return (Array.isArray(failures) &&
        failures.some((f) => typeof f === 'object' &&
            f !== null &&
            f.itemIdentifier === messageId));
}
export class LocalPipe {
    options;
    region;
    constructor(options) {
        this.options = options;
        this.region = options.region ?? 'us-east-1';
    }
    /**
     * Receives at most one message and delivers it.
     * @param stopping the caller stops at a failure (the log line says so instead of promising a retry)
     */
    async pollOnce(stopping = false) {
        const { queue, target, log } = this.options;
        const [message] = queue.receiveMessage(1);
        if (!message)
            return 'empty';
        const records = toSqsRecords([message], queue.arn, this.region);
        const receiveCount = message.Attributes.ApproximateReceiveCount;
        let result;
        try {
            result = await target(records);
        }
        catch (error) {
            result = { status: 'FAILED', error: 'Pipe.TargetInvocationFailed', cause: error.message };
        }
        if (result.status === 'SUCCEEDED' && !reportedFailed(result.output, message.MessageId)) {
            queue.deleteMessage(message.ReceiptHandle);
            log?.(`pipe: message ${message.MessageId} delivered (receive ${receiveCount})`);
            return 'delivered';
        }
        log?.(`pipe: message ${message.MessageId} not delivered (receive ${receiveCount}): ${result.status}${result.error ? ` ${result.error}` : ''}; ${stopping ? 'stopping here (it stays in the queue, in flight)' : 'it returns to the queue when its visibility timeout ends'}`);
        return 'failed';
    }
    /**
     * Polls until the queue holds nothing deliverable: when only in-flight messages remain, it waits (on the
     * clock) for the next one to become visible, so failed deliveries are retried and eventually reach the DLQ.
     * @param maxPolls a guard against a target that never settles @default 1000
     */
    async drain(maxPolls = 1000, options = {}) {
        const { queue, clock, log } = this.options;
        const stats = { delivered: 0, failed: 0 };
        for (let i = 0; i < maxPolls; i += 1) {
            const outcome = await this.pollOnce(options.stopOnFailure ?? false);
            if (outcome === 'delivered')
                stats.delivered += 1;
            else if (outcome === 'failed') {
                stats.failed += 1;
                if (options.stopOnFailure)
                    return stats;
            }
            else {
                const next = queue.nextVisibleAt();
                if (next === undefined)
                    return stats;
                const waitMs = Math.max(0, next - clock.now());
                log?.(`pipe: waiting ${formatSeconds(waitMs)} for a message to become visible again (at ${clockTime(next)})`);
                await clock.sleep(waitMs);
            }
        }
        throw new Error(`pipe: the queue did not drain within ${maxPolls} polls`);
    }
}
/** `2.5 s`, `6 min` */
export function formatSeconds(ms) {
    const seconds = ms / 1000;
    if (seconds >= 120)
        return `${Math.round(seconds / 60)} min`;
    return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
}
/** `04:58:12 UTC`: when a wait ends, on the run's clock. */
export function clockTime(epochMs) {
    return `${new Date(epochMs).toISOString().slice(11, 19)} UTC`;
}
