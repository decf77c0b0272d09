/**
 * The formatter's CloudWatch Logs links. The execution link, shared with the delivery function and the command
 * line, is contract/console.ts `executionConsoleUrl`.
 */
import { parseArn } from '../../../contract/arns.js';
import { consoleBase } from '../../../contract/console.js';

/**
 * The CloudWatch Logs console's fragment encoding (observed in use; not documented): a log group name is
 * URL-encoded twice with `%` written `$` (`/` is `$252F`), the query after `log-events` once (`?` is `$3F`).
 */
function logGroupFragment(name: string): string {
  return encodeURIComponent(encodeURIComponent(name)).replace(/%/g, '$');
}

function logQueryFragment(query: string): string {
  return encodeURIComponent(query).replace(/%/g, '$');
}

/**
 * A Lambda function's log group (`/aws/lambda/{name}`, the default; a function configured with another log
 * group is not known here) in the CloudWatch Logs console, its events filtered to `[startMs, endMs]`.
 * `functionArn` may be a name (then `partition` and `region` place it) or an ARN.
 */
export function lambdaLogsConsoleUrl(
  functionNameOrArn: string,
  where: { readonly partition?: string; readonly region?: string },
  window: { readonly startMs?: number; readonly endMs?: number }
): string | undefined {
  const arn = parseArn(functionNameOrArn);
  const name = arn ? arn.resource.replace(/^function:/, '').split(':')[0] : functionNameOrArn.split(':')[0];
  if (!name || !/^[A-Za-z0-9_-]{1,140}$/.test(name)) return undefined;
  const partition = arn?.partition ?? where.partition ?? 'aws';
  const region = arn?.region || where.region;
  const base = consoleBase(partition, region);
  if (!base) return undefined;
  const query: string[] = [];
  if (window.startMs !== undefined) query.push(`start=${Math.floor(window.startMs)}`);
  if (window.endMs !== undefined) query.push(`end=${Math.ceil(window.endMs)}`);
  const events = query.length > 0 ? `/log-events${logQueryFragment(`?${query.join('&')}`)}` : '';
  return `${base}/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${logGroupFragment(
    `/aws/lambda/${name}`
  )}${events}`;
}
