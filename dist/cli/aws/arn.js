/** Small helpers around Step Functions ARNs and console links. */
export function parseArn(arn) {
    const parts = arn.split(':');
    if (parts.length < 6 || parts[0] !== 'arn')
        return undefined;
    const [, partition = '', service = '', region = '', account = ''] = parts;
    return { partition, service, region, account, resource: parts.slice(5).join(':') };
}
/** True for `arn:<partition>:states:<region>:<account>:execution:<machine>:<name>`. */
export function isExecutionArn(arn) {
    const parts = parseArn(arn);
    return parts?.service === 'states' && /^execution:[^:]+:[^:]+$/.test(parts.resource);
}
/** The console page of an execution (the "v2" execution page). */
export function executionConsoleUrl(executionArn) {
    const parts = parseArn(executionArn);
    const region = parts?.region ?? 'us-east-1';
    const host = parts?.partition === 'aws-cn' ? `${region}.console.amazonaws.cn` : `${region}.console.aws.amazon.com`;
    return `https://${host}/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}
