/** Throws a TemplateError naming the template and what is wrong when `output` is not a Slack message. */
export declare function checkTemplateOutput(template: string, output: unknown): void;
