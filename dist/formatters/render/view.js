import { executionConsoleUrl } from './console-url.js';
import { escapeDeep, escapeText } from './escape.js';
import { formatDuration, isoUtc, slackDate, truncateMrkdwn } from './text.js';
export const STATUS_EMOJI = {
    SUCCEEDED: ':white_check_mark:',
    FAILED: ':x:',
    TIMED_OUT: ':hourglass:',
    ABORTED: ':octagonal_sign:',
    RUNNING: ':arrow_forward:',
    PENDING_REDRIVE: ':repeat:',
    UNKNOWN: ':grey_question:',
};
export const STATUS_LABEL = {
    SUCCEEDED: 'succeeded',
    FAILED: 'failed',
    TIMED_OUT: 'timed out',
    ABORTED: 'aborted',
    RUNNING: 'is running',
    PENDING_REDRIVE: 'is pending redrive',
    UNKNOWN: 'status unknown',
};
export const OUTCOME_EMOJI = {
    succeeded: ':white_check_mark:',
    failed: ':x:',
    caught: ':warning:',
    timed_out: ':hourglass:',
    aborted: ':octagonal_sign:',
    running: ':arrows_counterclockwise:',
};
const OUTCOME_LABEL = {
    succeeded: 'succeeded',
    failed: 'failed',
    caught: 'failed, caught',
    timed_out: 'timed out',
    aborted: 'aborted',
    running: 'running',
};
const FAILING = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);
/** Characters of step lines per section (Slack allows 3,000; the rest is room for the "+N more" line). */
const CHUNK_CHARS = 2_800;
/** Sections of step lines at most (each is one block of the 50). */
const MAX_STEP_CHUNKS = 6;
/** Cause characters shown for a failure (the cause block is a code block inside a 3,000-char section). */
const CAUSE_CHARS = 1_500;
/** Handled errors (caught, or retried and recovered) listed one a line; the rest are counted. */
const MAX_HANDLED_LINES = 4;
/** Characters of the readable cause shown on a handled error's line. */
const HANDLED_CAUSE_CHARS = 200;
function plural(n, one, many = `${one}s`) {
    return `${n} ${n === 1 ? one : many}`;
}
function causeLine(cause) {
    if (!cause)
        return undefined;
    if (cause.detail)
        return cause.detail;
    if (cause.errorType && cause.errorMessage)
        return `${cause.errorType}: ${cause.errorMessage}`;
    return cause.errorMessage ?? cause.errorType;
}
/**
 * Text for a mrkdwn code block: a run of three backticks inside would close the block early and let the
 * rest be read as formatting, so each such backtick becomes a look-alike (U+02CB MODIFIER LETTER GRAVE
 * ACCENT); a backtick at either end would merge with the fence, so it gets a zero-width space beside it.
 */
export function codeBlockText(text) {
    return text
        .replace(/`{3,}/g, (run) => '\u02cb'.repeat(run.length))
        .replace(/^`/, '\u200b`')
        .replace(/`$/, '`\u200b');
}
/**
 * What is worth a code block besides the readable line: a Lambda error's first stack lines (not its JSON),
 * or the raw cause when it is plain text, an unknown shape, or holds members beyond those read out of it.
 */
function causeBlock(cause) {
    if (!cause)
        return undefined;
    if (cause.stack && cause.stack.length > 0) {
        const stack = `${cause.stack.join('\n')}${cause.stackTruncated ? '\n…' : ''}`;
        return codeBlockText(truncateMrkdwn(codeBlockText(stack), CAUSE_CHARS));
    }
    const read = causeLine(cause) !== undefined;
    if (read && !cause.hasMore)
        return undefined;
    const raw = cause.truncated ? `${cause.text}…` : cause.text;
    return codeBlockText(truncateMrkdwn(codeBlockText(raw), CAUSE_CHARS));
}
function retriesText(n) {
    return `${n} retr${n === 1 ? 'y' : 'ies'}`;
}
/**
 * Merges the retried attempts of one state (same state, consecutive attempt numbers) into one entry: the
 * failure that ended them when it was kept, otherwise the last retried attempt.
 */
function groupFailures(failures) {
    const groups = [];
    const open = new Map();
    const closeOpen = (key) => {
        const chain = open.get(key);
        if (!chain)
            return;
        open.delete(key);
        groups.push({ failure: chain.last, index: chain.index, earlier: chain.earlier.slice(0, -1) });
    };
    failures.forEach((failure, index) => {
        const key = `${failure.topLevelState ?? ''}\u0000${failure.state}`;
        const chain = open.get(key);
        const continues = chain !== undefined && failure.attempt === chain.last.attempt + 1;
        if (!continues)
            closeOpen(key);
        const earlier = continues && chain ? [...chain.earlier] : [];
        if (failure.handling === 'retried') {
            earlier.push(failure);
            open.set(key, { earlier, last: failure, index });
            return;
        }
        open.delete(key);
        groups.push({ failure, index, earlier });
    });
    for (const key of [...open.keys()])
        closeOpen(key);
    return groups.sort((a, b) => a.index - b.index);
}
function resourceText(step) {
    if (!step.resource)
        return step.type;
    return `${step.type} · ${step.resource.label}`;
}
/**
 * One line for a step. `step` is escaped; `childUrl` is built from the raw child ARN (percent-encoded, so
 * it cannot break the link).
 */
function stepLine(step, childUrl) {
    const parts = [`${OUTCOME_EMOJI[step.outcome] ?? ''} *${step.name}*`, `_${resourceText(step)}_`];
    if (step.durationMs !== undefined)
        parts.push(formatDuration(step.durationMs));
    if (step.attempts > 1)
        parts.push(`${step.attempts} attempts`);
    if (step.map) {
        const it = step.map.iterations;
        const failed = it.failed > 0 ? `, ${it.failed} failed` : '';
        const aborted = it.aborted > 0 ? `, ${it.aborted} aborted` : '';
        // A distributed Map's iterations are child executions: its parent history has only the Map Run.
        if (it.started > 0 || !step.map.mapRunArn) {
            parts.push(`${plural(it.started, 'iteration')} (${it.succeeded} ok${failed}${aborted})`);
        }
        // No documented console URL for a Map Run: its ARN is shown, the execution's page links to it.
        if (step.map.mapRunArn)
            parts.push(`Map Run \`${step.map.mapRunArn}\``);
    }
    if (step.parallel) {
        const b = step.parallel.branches;
        parts.push(`${plural(b.started, 'branch', 'branches')}${b.failed > 0 ? ` (${b.failed} failed)` : ''}`);
    }
    if (step.handledErrors > 0 && step.outcome !== 'caught')
        parts.push(plural(step.handledErrors, 'handled error'));
    if (step.outcome !== 'succeeded')
        parts.push(OUTCOME_LABEL[step.outcome] ?? step.outcome);
    if (step.error)
        parts.push(`\`${step.error}\``);
    if (childUrl)
        parts.push(`<${childUrl}|child execution>`);
    return parts.join(' · ');
}
/** Joins lines into chunks of at most CHUNK_CHARS; lines that do not fit become "+N more steps". */
export function chunkLines(lines, omitted, noun = 'step', maxChunks = MAX_STEP_CHUNKS) {
    const chunks = [];
    let current = '';
    let used = 0;
    for (const line of lines) {
        const piece = line.length > CHUNK_CHARS ? truncateMrkdwn(line, CHUNK_CHARS) : line;
        if (current && current.length + 1 + piece.length > CHUNK_CHARS) {
            if (chunks.length + 1 >= maxChunks)
                break;
            chunks.push(current);
            current = '';
        }
        current = current ? `${current}\n${piece}` : piece;
        used += 1;
    }
    const more = lines.length - used + omitted;
    if (more > 0)
        current = `${current}\n_+${more} more ${noun}${more === 1 ? '' : 's'}_`;
    if (current)
        chunks.push(current);
    return chunks;
}
function stateLine(stats) {
    const parts = [`*${stats.name}* _${stats.type}_`, `${stats.entered} run${stats.entered === 1 ? '' : 's'}`];
    const outcomes = [
        [stats.succeeded, 'ok'],
        [stats.failed, 'failed'],
        [stats.caught, 'caught'],
        [stats.timedOut, 'timed out'],
        [stats.aborted, 'aborted'],
    ];
    const counted = outcomes.filter(([n]) => n > 0).map(([n, label]) => `${n} ${label}`);
    if (counted.length > 0)
        parts.push(counted.join(', '));
    if (stats.retries > 0)
        parts.push(`${stats.retries} retr${stats.retries === 1 ? 'y' : 'ies'}`);
    const timed = stats.succeeded + stats.failed + stats.caught + stats.timedOut + stats.aborted;
    if (stats.maxDurationMs !== undefined && timed > 0) {
        parts.push(`avg ${formatDuration(stats.totalDurationMs / timed)}, max ${formatDuration(stats.maxDurationMs)}`);
    }
    return parts.join(' · ');
}
/** Builds the template input. `summary` is the raw summary; everything from it is escaped here. */
export function buildTemplateInput(raw, context) {
    const summary = {
        ...escapeDeep(raw),
        // escapeDeep keeps keys; these keys are event types read from the history, which a template may list.
        unknownEventTypes: Object.fromEntries(Object.entries(raw.unknownEventTypes).map(([type, count]) => [escapeText(type), count])),
    };
    const execution = summary.execution;
    const region = context.consoleRegion;
    const consoleUrl = executionConsoleUrl(raw.execution.executionArn, region);
    const status = execution.status;
    const statusEmoji = STATUS_EMOJI[status] ?? STATUS_EMOJI.UNKNOWN ?? '';
    const statusLabel = STATUS_LABEL[status] ?? status.toLowerCase();
    const failing = FAILING.has(status);
    const title = execution.stateMachineName ?? execution.name ?? 'Step Functions execution';
    const environment = escapeText(context.environment ?? '');
    const envSuffix = environment ? ` [${environment}]` : '';
    // Links are built from the raw ARNs (the escaped ones would be percent-encoded as `%26lt%3B`).
    const childUrlOf = (arn) => arn ? executionConsoleUrl(arn, region) : undefined;
    const steps = summary.steps.map((step, i) => {
        const childUrl = childUrlOf(raw.steps[i]?.resource?.arn);
        return {
            ...step,
            emoji: OUTCOME_EMOJI[step.outcome] ?? '',
            outcomeLabel: OUTCOME_LABEL[step.outcome] ?? step.outcome,
            duration: formatDuration(step.durationMs),
            retries: Math.max(0, step.attempts - 1),
            line: stepLine(step, childUrl),
            ...(childUrl ? { childExecutionUrl: childUrl } : {}),
        };
    });
    const rank = { fatal: 0, caught: 1, retried: 2 };
    // Every failed attempt that was kept, with nothing left out: a retried chain with no later failure recovered.
    const allKept = raw.failureCount <= raw.failures.length;
    const ordered = groupFailures(summary.failures)
        .map((group) => ({ ...group, rawChildArn: raw.failures[group.index]?.cause?.childExecutionArn }))
        .sort((a, b) => rank[a.failure.handling] - rank[b.failure.handling]);
    const failures = ordered.map(({ failure, earlier, rawChildArn }) => {
        const where = failure.topLevelState ? `${failure.topLevelState} › ${failure.state}` : failure.state;
        const error = failure.error ? `\`${failure.error}\`` : '';
        const childUrl = childUrlOf(rawChildArn);
        const parsed = causeLine(failure.cause);
        const causeText = causeBlock(failure.cause);
        const retried = failure.handling === 'retried';
        const retries = earlier.length + (retried ? 1 : 0);
        // The top-level step this attempt ran in: a retried attempt recovered when nothing failed after it.
        const top = summary.steps.find((step) => step.name === (failure.topLevelState ?? failure.state));
        const recovered = retried &&
            allKept &&
            (failure.topLevelState === undefined
                ? top?.outcome === 'succeeded'
                : top !== undefined && top.outcome !== 'running' && top.outcome !== 'aborted');
        let title;
        if (failure.handling === 'fatal') {
            const attempt = failure.attempt > 1 ? `, attempt ${failure.attempt}` : '';
            const others = [...new Set(earlier.map((f) => f.error).filter((e) => e && e !== failure.error))];
            const before = others.length > 0 ? ` (earlier attempts: ${others.map((e) => `\`${e}\``).join(', ')})` : '';
            title = `${OUTCOME_EMOJI[failure.outcome] ?? ''} *${where}*${attempt}${error ? ` ${error}` : ''}${before}`;
        }
        else if (failure.handling === 'caught') {
            const after = retries > 0 ? ` after ${retriesText(retries)}` : '';
            title = `:warning: *${where}* failed${after}, caught by Catch${error ? `: ${error}` : ''}`;
        }
        else if (recovered) {
            title = `:warning: *${where}* recovered after ${retriesText(retries)}${error ? `: ${error}` : ''}`;
        }
        else {
            title = `:warning: *${where}* failed and was retried (${retriesText(retries)})${error ? `: ${error}` : ''}`;
        }
        const line = parsed ? `${title} — ${truncateMrkdwn(parsed, HANDLED_CAUSE_CHARS, '…')}` : title;
        return {
            ...failure,
            emoji: failure.handling === 'fatal' ? (OUTCOME_EMOJI[failure.outcome] ?? '') : ':warning:',
            title,
            ...(causeText ? { causeText } : {}),
            ...(parsed ? { parsed } : {}),
            ...(childUrl ? { childExecutionUrl: childUrl } : {}),
            retries,
            recovered,
            handled: failure.handling !== 'fatal',
            line,
        };
    });
    const handledViews = failures.filter((f) => f.handled);
    const handled = handledViews.slice(0, MAX_HANDLED_LINES).map((f) => f.line);
    const moreHandled = handledViews.length - handled.length;
    if (moreHandled > 0)
        handled.push(`_+${moreHandled} more handled error${moreHandled === 1 ? '' : 's'}_`);
    const executionCauseLine = causeLine(execution.cause);
    const executionCauseText = causeBlock(execution.cause);
    const extras = [];
    // The retries the handled lines already state; the rest are counted in the line after them.
    const retriesListed = handledViews.slice(0, MAX_HANDLED_LINES).reduce((n, f) => n + f.retries, 0);
    const otherRetries = Math.max(0, summary.retries - retriesListed);
    const afterHandled = [];
    if (summary.retries > 0)
        extras.push(retriesText(summary.retries));
    if (otherRetries > 0) {
        afterHandled.push(retriesListed > 0
            ? `${otherRetries} other ${retriesText(otherRetries).split(' ')[1]}`
            : retriesText(otherRetries));
    }
    const firstShared = extras.length;
    if (summary.handledErrors > 0) {
        extras.push(`:warning: ${summary.handledErrors} error${summary.handledErrors === 1 ? '' : 's'} handled by Catch`);
    }
    if (execution.redriveCount > 0) {
        const when = execution.redriveDateMs === undefined ? '' : ` (last ${slackDate(execution.redriveDateMs)})`;
        extras.push(`:repeat: redriven ${execution.redriveCount}×${when}`);
    }
    if (summary.incomplete)
        extras.push('history incomplete');
    const unknown = Object.keys(summary.unknownEventTypes).length;
    if (unknown > 0)
        extras.push(`${unknown} unknown event type${unknown === 1 ? '' : 's'}`);
    afterHandled.push(...extras.slice(firstShared));
    const historyNote = summary.historyUnavailable
        ? `:information_source: Execution details were unavailable (${summary.historyUnavailable.error}${summary.historyUnavailable.cause ? `: ${summary.historyUnavailable.cause}` : ''}).`
        : undefined;
    const place = [
        execution.account ? `account ${execution.account}` : undefined,
        execution.region,
        execution.partition && execution.partition !== 'aws' ? execution.partition : undefined,
    ].filter((part) => part !== undefined && part !== '');
    const location = place.length > 0 ? place.join(' · ') : undefined;
    const plainStatus = `${title} ${statusLabel}${envSuffix}`;
    const start = slackDate(execution.startMs);
    const end = slackDate(execution.stopMs);
    return {
        summary,
        context: {
            environment,
            ...(consoleUrl ? { consoleUrl } : {}),
            ...(failing && context.mentionOnFailure ? { mention: context.mentionOnFailure } : {}),
            template: context.template ?? 'detailed',
        },
        view: {
            statusEmoji,
            statusLabel,
            failing,
            title,
            headerText: plainStatus,
            notificationText: `${statusEmoji} ${plainStatus}${summary.failedState && failing ? ` at ${summary.failedState}` : ''}${execution.error && failing ? `: ${execution.error}` : ''}`,
            ...(start ? { start } : {}),
            ...(end ? { end } : {}),
            duration: formatDuration(execution.durationMs),
            steps,
            stepChunks: chunkLines(steps.map((s) => s.line), summary.omittedSteps),
            stateChunks: stateChunks(summary),
            ...(executionCauseLine ? { causeLine: executionCauseLine } : {}),
            ...(executionCauseText ? { causeText: executionCauseText } : {}),
            failures,
            handled,
            ...(extras.length > 0 ? { extras: extras.join(' · ') } : {}),
            ...(afterHandled.length > 0 ? { extrasAfterHandled: afterHandled.join(' · ') } : {}),
            ...(historyNote ? { historyNote } : {}),
            ...(location ? { location } : {}),
        },
    };
}
/** Totals are worth showing for states that are not simply the listed steps, run once each. */
function stateChunks(summary) {
    const listed = new Map();
    for (const step of summary.steps)
        listed.set(step.name, (listed.get(step.name) ?? 0) + 1);
    const interesting = summary.states.filter((stats) => stats.entered > (listed.get(stats.name) ?? 0) || stats.entered > 1);
    if (interesting.length === 0)
        return [];
    return chunkLines(interesting.map(stateLine), summary.omittedStates, 'state', 1);
}
/** A start/stop time as UTC text, for the plain-text fallback. */
export function plainTime(ms) {
    return ms === undefined ? '?' : isoUtc(ms);
}
