import type { Stack } from 'aws-cdk-lib';

/** The resource as cdk-nag names it in a finding id: pseudo parameters as `<AWS::Region>` and so on. */
export function nagResourceName(stack: Stack, value: string): string {
  const resolved: unknown = stack.resolve(value);
  if (typeof resolved === 'string') return resolved;
  const join = (resolved as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (!join) return JSON.stringify(resolved);
  return join[1]
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = (part as { Ref?: string }).Ref;
      if (ref !== undefined) return `<${ref}>`;
      const getAtt = (part as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
      return getAtt === undefined ? JSON.stringify(part) : `<${getAtt[0]}.${getAtt[1]}>`;
    })
    .join(join[0]);
}
