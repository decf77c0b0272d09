/** Small helpers around Step Functions ARNs and console links. */
export interface ArnParts {
    readonly partition: string;
    readonly service: string;
    readonly region: string;
    readonly account: string;
    readonly resource: string;
}
export declare function parseArn(arn: string): ArnParts | undefined;
/** True for `arn:<partition>:states:<region>:<account>:execution:<machine>:<name>`. */
export declare function isExecutionArn(arn: string): boolean;
/** The console page of an execution (the "v2" execution page). */
export declare function executionConsoleUrl(executionArn: string): string;
