import { parseMrkdwn, plainText } from './mrkdwn.js';
export function toView(message) {
    return {
        text: parseMrkdwn(typeof message.text === 'string' ? message.text : ''),
        blocks: (message.blocks ?? []).map(toViewBlock),
    };
}
/** Keeps a URL only when it is one a reader could safely follow. */
export function safeUrl(url) {
    if (typeof url !== 'string')
        return undefined;
    return /^(https?:\/\/|mailto:)/i.test(url) ? url : undefined;
}
function toViewBlock(block) {
    switch (block.type) {
        case 'header':
            return { type: 'header', text: textObject(block.text) ?? [] };
        case 'section': {
            const text = textObject(block.text);
            const fields = Array.isArray(block.fields) ? block.fields.map((field) => textObject(field) ?? []) : [];
            const button = asButton(block.accessory);
            return { type: 'section', ...(text ? { text } : {}), fields, ...(button ? { button } : {}) };
        }
        case 'context': {
            const elements = Array.isArray(block.elements) ? block.elements : [];
            return {
                type: 'context',
                elements: elements.map((element) => {
                    if (isRecord(element) && element.type === 'image') {
                        return plainText(typeof element.alt_text === 'string' ? element.alt_text : '');
                    }
                    return textObject(element) ?? [];
                }),
            };
        }
        case 'actions': {
            const elements = Array.isArray(block.elements) ? block.elements : [];
            return {
                type: 'actions',
                buttons: elements.map(asButton).filter((button) => button !== undefined),
            };
        }
        case 'divider':
            return { type: 'divider' };
        case 'image': {
            const title = textObject(block.title);
            return {
                type: 'image',
                alt: typeof block.alt_text === 'string' ? block.alt_text : '',
                ...(title ? { title } : {}),
            };
        }
        default:
            return { type: 'unknown', blockType: String(block.type) };
    }
}
function textObject(value) {
    if (!isRecord(value) || typeof value.text !== 'string')
        return undefined;
    return value.type === 'mrkdwn' ? parseMrkdwn(value.text) : plainText(value.text);
}
function asButton(value) {
    if (!isRecord(value) || value.type !== 'button')
        return undefined;
    const url = safeUrl(value.url);
    const style = value.style === 'primary' || value.style === 'danger' ? value.style : undefined;
    return { label: textObject(value.text) ?? [], ...(url ? { url } : {}), ...(style ? { style } : {}) };
}
function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
