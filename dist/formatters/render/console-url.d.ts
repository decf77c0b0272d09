/** The execution's page in the Step Functions console, or undefined when the ARN is not an ARN. */
export declare function executionConsoleUrl(executionArn: string | undefined, regionOverride?: string): string | undefined;
