/**
 * Block Kit validation for the local Slack server: the message-surface subset the notifier uses (header,
 * section, divider, context, actions, image, rich_text), with Slack's documented limits. Problems are reported
 * the way Slack reports them in `response_metadata.messages`: `[ERROR] <what> [json-pointer:<where>]`.
 */
/** Slack's documented Block Kit limits for messages. */
export const blockKitLimits = {
    blocksPerMessage: 50,
    headerText: 150,
    sectionText: 3000,
    sectionFields: 10,
    sectionFieldText: 2000,
    contextElements: 10,
    actionsElements: 25,
    buttonText: 75,
    buttonUrl: 3000,
    buttonValue: 2000,
    actionId: 255,
    blockId: 255,
    imageUrl: 3000,
    altText: 2000,
};
const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
class Collector {
    messages = [];
    add(problem, pointer) {
        this.messages.push(`[ERROR] ${problem} [json-pointer:${pointer}]`);
    }
}
function checkTextObject(value, pointer, out, opts) {
    if (!isObject(value)) {
        out.add('must provide an object', pointer);
        return;
    }
    const { type, text } = value;
    if (type !== 'plain_text' && type !== 'mrkdwn') {
        out.add('failed to match all allowed schemas', pointer);
        return;
    }
    if (opts.plainOnly && type !== 'plain_text') {
        out.add('must be a valid enum value', `${pointer}/type`);
    }
    if (typeof text !== 'string') {
        out.add('must provide a string', `${pointer}/text`);
        return;
    }
    if (text.length === 0)
        out.add('must be more than 0 characters', `${pointer}/text`);
    if (text.length > opts.max)
        out.add(`must be less than ${opts.max + 1} characters`, `${pointer}/text`);
    if ('emoji' in value && type !== 'plain_text')
        out.add('unsupported property: emoji', `${pointer}/emoji`);
    if ('verbatim' in value && type !== 'mrkdwn')
        out.add('unsupported property: verbatim', `${pointer}/verbatim`);
}
function checkMaxString(value, max, pointer, out) {
    if (value === undefined)
        return;
    if (typeof value !== 'string')
        out.add('must provide a string', pointer);
    else if (value.length > max)
        out.add(`must be less than ${max + 1} characters`, pointer);
}
function checkButton(value, pointer, out) {
    checkTextObject(value.text, `${pointer}/text`, out, { max: blockKitLimits.buttonText, plainOnly: true });
    checkMaxString(value.url, blockKitLimits.buttonUrl, `${pointer}/url`, out);
    checkMaxString(value.value, blockKitLimits.buttonValue, `${pointer}/value`, out);
    checkMaxString(value.action_id, blockKitLimits.actionId, `${pointer}/action_id`, out);
    if (value.style !== undefined && value.style !== 'primary' && value.style !== 'danger') {
        out.add('must be a valid enum value', `${pointer}/style`);
    }
}
function checkImageElement(value, pointer, out) {
    if (typeof value.alt_text !== 'string')
        out.add('missing required field: alt_text', pointer);
    else
        checkMaxString(value.alt_text, blockKitLimits.altText, `${pointer}/alt_text`, out);
    if (typeof value.image_url !== 'string' && !isObject(value.slack_file)) {
        out.add('missing required field: image_url', pointer);
    }
    else
        checkMaxString(value.image_url, blockKitLimits.imageUrl, `${pointer}/image_url`, out);
}
function checkList(value, pointer, out, max) {
    if (!Array.isArray(value)) {
        out.add('must provide an array', pointer);
        return false;
    }
    if (value.length === 0)
        out.add('must provide at least 1 items', pointer);
    if (value.length > max)
        out.add(`no more than ${max} items allowed`, pointer);
    return true;
}
function checkBlock(block, pointer, out) {
    if (!isObject(block)) {
        out.add('must provide an object', pointer);
        return;
    }
    checkMaxString(block.block_id, blockKitLimits.blockId, `${pointer}/block_id`, out);
    switch (block.type) {
        case 'header':
            if (block.text === undefined)
                out.add('missing required field: text', pointer);
            else
                checkTextObject(block.text, `${pointer}/text`, out, {
                    max: blockKitLimits.headerText,
                    plainOnly: true,
                });
            return;
        case 'section': {
            const hasText = block.text !== undefined;
            const hasFields = block.fields !== undefined;
            if (!hasText && !hasFields)
                out.add('must provide either text or fields', pointer);
            if (hasText)
                checkTextObject(block.text, `${pointer}/text`, out, { max: blockKitLimits.sectionText });
            if (hasFields && checkList(block.fields, `${pointer}/fields`, out, blockKitLimits.sectionFields)) {
                block.fields.forEach((field, i) => {
                    checkTextObject(field, `${pointer}/fields/${i}`, out, { max: blockKitLimits.sectionFieldText });
                });
            }
            if (block.accessory !== undefined) {
                const accessory = block.accessory;
                if (!isObject(accessory))
                    out.add('must provide an object', `${pointer}/accessory`);
                else if (accessory.type === 'button')
                    checkButton(accessory, `${pointer}/accessory`, out);
                else if (accessory.type === 'image')
                    checkImageElement(accessory, `${pointer}/accessory`, out);
                else
                    out.add(`unsupported type: ${String(accessory.type)}`, `${pointer}/accessory/type`);
            }
            return;
        }
        case 'divider':
            return;
        case 'context':
            if (checkList(block.elements, `${pointer}/elements`, out, blockKitLimits.contextElements)) {
                block.elements.forEach((element, i) => {
                    const at = `${pointer}/elements/${i}`;
                    if (isObject(element) && element.type === 'image')
                        checkImageElement(element, at, out);
                    else
                        checkTextObject(element, at, out, { max: blockKitLimits.sectionText });
                });
            }
            return;
        case 'actions':
            if (checkList(block.elements, `${pointer}/elements`, out, blockKitLimits.actionsElements)) {
                block.elements.forEach((element, i) => {
                    const at = `${pointer}/elements/${i}`;
                    if (isObject(element) && element.type === 'button')
                        checkButton(element, at, out);
                    else
                        out.add('failed to match all allowed schemas', at);
                });
            }
            return;
        case 'image':
            checkImageElement(block, pointer, out);
            return;
        case 'rich_text':
            checkList(block.elements, `${pointer}/elements`, out, Number.POSITIVE_INFINITY);
            return;
        case undefined:
            out.add('missing required field: type', pointer);
            return;
        default:
            out.add(`unsupported type: ${String(block.type)}`, `${pointer}/type`);
    }
}
/**
 * Validates a `blocks` value as chat.postMessage receives it (already JSON-parsed).
 * @returns Slack-style `[ERROR] …` messages; empty when the blocks are valid.
 */
export function validateBlocks(blocks) {
    const out = new Collector();
    if (!checkList(blocks, '/blocks', out, blockKitLimits.blocksPerMessage))
        return out.messages;
    const seenIds = new Set();
    blocks.forEach((block, i) => {
        checkBlock(block, `/blocks/${i}`, out);
        if (isObject(block) && typeof block.block_id === 'string') {
            if (seenIds.has(block.block_id))
                out.add('duplicate block_id', `/blocks/${i}/block_id`);
            seenIds.add(block.block_id);
        }
    });
    return out.messages;
}
