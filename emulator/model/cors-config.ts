import { Template } from 'aws-cdk-lib/assertions';

/** A CORS rule as CloudFormation's `AWS::S3::Bucket` holds it. */
export interface CfnCorsRule {
  readonly Id?: string;
  readonly AllowedOrigins: string[];
  readonly AllowedMethods: string[];
  readonly AllowedHeaders?: string[];
  readonly ExposedHeaders?: string[];
  readonly MaxAge?: number;
}

/** The CORS rules of the one bucket in the template that has any. */
export function bucketCorsRules(template: Template): CfnCorsRule[] {
  const resources = template.toJSON().Resources as Record<
    string,
    { Type: string; Properties?: Record<string, unknown> }
  >;
  const withCors = Object.values(resources).filter(
    (r) => r.Type === 'AWS::S3::Bucket' && r.Properties?.CorsConfiguration !== undefined,
  );
  if (withCors.length !== 1) throw new Error(`expected one bucket with CORS rules, found ${withCors.length}`);
  return (withCors[0].Properties!.CorsConfiguration as { CorsRules: CfnCorsRule[] }).CorsRules;
}

/** The same rules as the S3 API's `<CORSConfiguration>` document, which s3rver takes. */
export function corsConfigurationXml(rules: CfnCorsRule[]): string {
  const elements = (tag: string, values: readonly (string | number)[] = []) =>
    values.map((v) => `<${tag}>${escapeXml(String(v))}</${tag}>`).join('');
  const body = rules
    .map(
      (rule) =>
        '<CORSRule>' +
        elements('ID', rule.Id === undefined ? [] : [rule.Id]) +
        elements('AllowedOrigin', rule.AllowedOrigins) +
        elements('AllowedMethod', rule.AllowedMethods) +
        elements('AllowedHeader', rule.AllowedHeaders) +
        elements('ExposeHeader', rule.ExposedHeaders) +
        elements('MaxAgeSeconds', rule.MaxAge === undefined ? [] : [rule.MaxAge]) +
        '</CORSRule>',
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><CORSConfiguration>${body}</CORSConfiguration>`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
