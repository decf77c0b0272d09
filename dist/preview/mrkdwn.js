/**
 * A small reader for Slack mrkdwn, enough to show a message the way a Slack reader sees it: formatting
 * (`*bold*`, `_italic_`, `~strike~`, `` `code` ``, ```` ```pre``` ````), angle-bracket tokens (links, mentions,
 * `<!date^…|fallback>`) and the three entities Slack decodes (`&amp;`, `&lt;`, `&gt;`).
 *
 * The output is a tree of plain values; each renderer (terminal, HTML) does its own escaping.
 */
/** Decodes the only three entities Slack decodes; `&amp;` last so `&amp;lt;` stays `&lt;`. */
export function decodeEntities(text) {
    return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
/** Parses mrkdwn text into inline nodes. */
export function parseMrkdwn(source) {
    const nodes = [];
    const parts = source.split(/```([\s\S]*?)```/);
    parts.forEach((part, index) => {
        if (index % 2 === 1) {
            nodes.push({ kind: 'pre', text: decodeEntities(part.replace(/^\n/, '')) });
        }
        else if (part !== '') {
            nodes.push(...parseLines(part));
        }
    });
    return nodes;
}
/**
 * A line starting with a raw `>` is a quote (an escaped `&gt;` is not). The quote node ends its line, so no
 * newline follows it.
 */
function parseLines(source) {
    const nodes = [];
    const lines = source.split('\n');
    lines.forEach((line, index) => {
        const last = index === lines.length - 1;
        if (line.startsWith('>')) {
            nodes.push({ kind: 'quote', children: parseInlineCode(line.slice(1).replace(/^ /, '')) });
            return;
        }
        if (line !== '')
            nodes.push(...parseInlineCode(line));
        if (!last)
            nodes.push({ kind: 'text', text: '\n' });
    });
    return nodes;
}
/** A plain_text object's text: no formatting; entities and emoji shortcodes shown as Slack shows them. */
export function plainText(source) {
    return source === '' ? [] : [{ kind: 'text', text: emojify(decodeEntities(source)) }];
}
/** Flattens nodes to what a reader sees, without formatting (labels of links, fallbacks of dates). */
export function toPlain(nodes) {
    return nodes
        .map((node) => {
        switch (node.kind) {
            case 'text':
            case 'code':
            case 'pre':
                return node.text;
            case 'link':
                return node.label;
            case 'mention':
                return node.label;
            default:
                return toPlain(node.children);
        }
    })
        .join('');
}
function parseInlineCode(source) {
    const nodes = [];
    const parts = source.split(/`([^`\n]+)`/);
    parts.forEach((part, index) => {
        if (index % 2 === 1) {
            nodes.push({ kind: 'code', text: decodeEntities(part) });
        }
        else if (part !== '') {
            nodes.push(...parseFormatted(part));
        }
    });
    return nodes;
}
// A private-use character marks a masked angle token; execution text never needs one.
const PLACEHOLDER = /\uE000(\d+)\uE000/;
// A marker opens after a non-word character and closes before one, as in Slack (`a*b*c` is not bold).
const FORMAT = /(?<![\p{L}\p{N}*_~])([*_~])(?=\S)([^\n]*?\S)\1(?![\p{L}\p{N}])/u;
function parseFormatted(source) {
    // Angle tokens are opaque to formatting: a URL may hold `_` or `*`.
    const tokens = [];
    const masked = source.replace(/<([^<>\n]+)>/g, (_match, inner) => {
        tokens.push(inner);
        return `\uE000${tokens.length - 1}\uE000`;
    });
    return formatRuns(masked, tokens);
}
function formatRuns(source, tokens) {
    const match = FORMAT.exec(source);
    if (!match || match[1] === undefined || match[2] === undefined) {
        return leafRuns(source, tokens);
    }
    const kind = match[1] === '*' ? 'bold' : match[1] === '_' ? 'italic' : 'strike';
    return [
        ...leafRuns(source.slice(0, match.index), tokens),
        { kind, children: formatRuns(match[2], tokens) },
        ...formatRuns(source.slice(match.index + match[0].length), tokens),
    ];
}
function leafRuns(source, tokens) {
    const nodes = [];
    const parts = source.split(PLACEHOLDER);
    parts.forEach((part, index) => {
        if (index % 2 === 1) {
            nodes.push(angleToken(tokens[Number(part)] ?? ''));
        }
        else if (part !== '') {
            nodes.push({ kind: 'text', text: emojify(decodeEntities(part)) });
        }
    });
    return nodes;
}
/** `<…>` without the brackets: a link, a mention or a special token. */
function angleToken(inner) {
    const bar = inner.indexOf('|');
    const target = bar === -1 ? inner : inner.slice(0, bar);
    const label = bar === -1 ? undefined : decodeEntities(inner.slice(bar + 1));
    if (target.startsWith('!date^')) {
        return { kind: 'text', text: label ?? '' };
    }
    if (target.startsWith('!subteam^')) {
        return { kind: 'mention', label: label ?? `@${target.slice('!subteam^'.length)}` };
    }
    if (target.startsWith('!')) {
        return { kind: 'mention', label: `@${label ?? target.slice(1)}` };
    }
    if (target.startsWith('@')) {
        return { kind: 'mention', label: label ? `@${label.replace(/^@/, '')}` : target };
    }
    if (target.startsWith('#')) {
        return { kind: 'mention', label: `#${(label ?? target.slice(1)).replace(/^#/, '')}` };
    }
    const url = decodeEntities(target);
    return { kind: 'link', url, label: label ?? url };
}
const EMOJI = {
    white_check_mark: '✅',
    heavy_check_mark: '✔️',
    x: '❌',
    warning: '⚠️',
    rotating_light: '🚨',
    octagonal_sign: '🛑',
    no_entry: '⛔',
    no_entry_sign: '🚫',
    hourglass: '⌛',
    hourglass_flowing_sand: '⏳',
    alarm_clock: '⏰',
    stopwatch: '⏱️',
    timer_clock: '⏲️',
    repeat: '🔁',
    arrows_counterclockwise: '🔄',
    large_green_circle: '🟢',
    red_circle: '🔴',
    large_yellow_circle: '🟡',
    large_blue_circle: '🔵',
    white_circle: '⚪',
    black_circle: '⚫',
    information_source: 'ℹ️',
    link: '🔗',
    runner: '🏃',
    fast_forward: '⏩',
    leftwards_arrow_with_hook: '↩️',
    arrow_right: '➡️',
    gear: '⚙️',
    mag: '🔍',
    clipboard: '📋',
    calendar: '📅',
    skull: '💀',
    fire: '🔥',
    tada: '🎉',
    bell: '🔔',
    boom: '💥',
    construction: '🚧',
    heavy_minus_sign: '➖',
    grey_question: '❔',
    question: '❓',
    package: '📦',
    card_index_dividers: '🗂️',
    twisted_rightwards_arrows: '🔀',
    test_tube: '🧪',
};
/** Replaces the `:shortcode:` emoji the notifier's templates use with the characters Slack shows. */
export function emojify(text) {
    return text.replace(/:([a-z0-9_+-]+):/g, (whole, name) => EMOJI[name] ?? whole);
}
