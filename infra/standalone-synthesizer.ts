/**
 * A stack synthesizer for users who deploy with CloudFormation alone (no CDK, no `cdk bootstrap`): file assets
 * are read from a bucket and key prefix given as template parameters (`AssetsBucket`, `AssetsPrefix`), each
 * asset at `<AssetsPrefix><hash>.zip`. The template has no bootstrap version parameter or rule.
 * scripts/standalone-template.ts writes the template and the asset zips; docs/infra.md says how to deploy them.
 */
import {
  CfnParameter,
  type DockerImageAssetLocation,
  type DockerImageAssetSource,
  type FileAssetLocation,
  type FileAssetSource,
  Fn,
  type ISynthesisSession,
  StackSynthesizer,
} from 'aws-cdk-lib';

/** The parameters the template takes for its assets. */
export const ASSET_PARAMETERS = { bucket: 'AssetsBucket', prefix: 'AssetsPrefix' } as const;

export class StandaloneSynthesizer extends StackSynthesizer {
  /** The file assets the stack uses: each is uploaded as `<AssetsPrefix><sourceHash>.zip`. */
  readonly fileAssets: FileAssetSource[] = [];
  private parameters?: { bucket: CfnParameter; prefix: CfnParameter };

  addFileAsset(asset: FileAssetSource): FileAssetLocation {
    if (!this.fileAssets.some((known) => known.sourceHash === asset.sourceHash)) this.fileAssets.push(asset);
    const { bucket, prefix } = this.assetParameters();
    const objectKey = Fn.join('', [prefix.valueAsString, `${asset.sourceHash}.zip`]);
    const stack = this.boundStack;
    return {
      bucketName: bucket.valueAsString,
      objectKey,
      httpUrl: Fn.join('', [
        'https://s3.',
        stack.region,
        '.',
        stack.urlSuffix,
        '/',
        bucket.valueAsString,
        '/',
        objectKey,
      ]),
      s3ObjectUrl: Fn.join('', ['s3://', bucket.valueAsString, '/', objectKey]),
    };
  }

  addDockerImageAsset(_asset: DockerImageAssetSource): DockerImageAssetLocation {
    throw new Error('StandaloneSynthesizer: container image assets are not supported');
  }

  synthesize(session: ISynthesisSession): void {
    this.synthesizeTemplate(session);
    this.emitArtifact(session);
  }

  private assetParameters(): { bucket: CfnParameter; prefix: CfnParameter } {
    this.parameters ??= {
      bucket: new CfnParameter(this.boundStack, ASSET_PARAMETERS.bucket, {
        type: 'String',
        description: 'S3 bucket holding the uploaded assets (the .zip files written next to this template)',
        minLength: 3,
      }),
      prefix: new CfnParameter(this.boundStack, ASSET_PARAMETERS.prefix, {
        type: 'String',
        description: 'Key prefix of the assets in AssetsBucket, e.g. sfn-slack/ (empty for the bucket root)',
        default: '',
      }),
    };
    return this.parameters;
  }
}
