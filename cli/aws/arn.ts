/** Step Functions execution ARNs as the commands take them (parsing and console links: contract/console.ts). */
import { parseArn } from '../../contract/console.js';

/** True for `arn:<partition>:states:<region>:<account>:execution:<machine>:<name>`. */
export function isExecutionArn(arn: string): boolean {
  const parts = parseArn(arn);
  return parts?.service === 'states' && /^execution:[^:]+:[^:]+$/.test(parts.resource);
}
