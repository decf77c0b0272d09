/** Pure renderers of a Slack message, for `sfn-slack preview`, `sfn-slack start` and tests. */
export { BLOCK_KIT_BUILDER, blockKitBuilderUrl } from './block-kit-builder.js';
export { escapeHtml, renderHtml } from './html.js';
export { renderTerminal } from './terminal.js';
