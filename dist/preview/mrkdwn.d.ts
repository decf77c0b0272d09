/**
 * A small reader for Slack mrkdwn, enough to show a message the way a Slack reader sees it: formatting
 * (`*bold*`, `_italic_`, `~strike~`, `` `code` ``, ```` ```pre``` ````), angle-bracket tokens (links, mentions,
 * `<!date^…|fallback>`) and the three entities Slack decodes (`&amp;`, `&lt;`, `&gt;`).
 *
 * The output is a tree of plain values; each renderer (terminal, HTML) does its own escaping.
 */
/** One piece of rendered mrkdwn. Text is already decoded (`&lt;` became `<`). */
export type Inline = {
    readonly kind: 'text';
    readonly text: string;
} | {
    readonly kind: 'bold' | 'italic' | 'strike' | 'quote';
    readonly children: readonly Inline[];
} | {
    readonly kind: 'code' | 'pre';
    readonly text: string;
} | {
    readonly kind: 'link';
    readonly url: string;
    readonly label: string;
} | {
    readonly kind: 'mention';
    readonly label: string;
};
/** Decodes the only three entities Slack decodes; `&amp;` last so `&amp;lt;` stays `&lt;`. */
export declare function decodeEntities(text: string): string;
/** Parses mrkdwn text into inline nodes. */
export declare function parseMrkdwn(source: string): Inline[];
/** A plain_text object's text: no formatting; entities and emoji shortcodes shown as Slack shows them. */
export declare function plainText(source: string): Inline[];
/** Flattens nodes to what a reader sees, without formatting (labels of links, fallbacks of dates). */
export declare function toPlain(nodes: readonly Inline[]): string;
/** Replaces the `:shortcode:` emoji the notifier's templates use with the characters Slack shows. */
export declare function emojify(text: string): string;
