/**
 * Console links. AWS documents no console URL format; the v2 execution page form below is what current
 * consoles use. China and GovCloud partitions have their own console hosts.
 */
const CONSOLE_HOSTS = {
    aws: 'console.aws.amazon.com',
    'aws-cn': 'console.amazonaws.cn',
    'aws-us-gov': 'console.amazonaws-us-gov.com',
};
/** Characters an execution ARN never has legitimately are percent-encoded, so the URL cannot break a link. */
function safe(text) {
    return text.replace(/[^A-Za-z0-9:_\-./]/g, (c) => encodeURIComponent(c));
}
/** The execution's page in the Step Functions console, or undefined when the ARN is not an ARN. */
export function executionConsoleUrl(executionArn, regionOverride) {
    if (!executionArn)
        return undefined;
    const parts = executionArn.split(':');
    if (parts[0] !== 'arn' || parts.length < 7)
        return undefined;
    const partition = parts[1] ?? 'aws';
    const region = regionOverride ?? parts[3];
    if (!region || !/^[a-z0-9-]+$/.test(region))
        return undefined;
    const host = CONSOLE_HOSTS[partition] ?? CONSOLE_HOSTS.aws;
    return `https://${region}.${host}/states/home?region=${region}#/v2/executions/details/${safe(executionArn)}`;
}
