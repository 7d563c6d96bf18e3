import { Template } from 'aws-cdk-lib/assertions';

/** A resource of a template, with its logical id. */
export interface FoundResource {
  readonly id: string;
  readonly Properties: any;
  readonly [key: string]: any;
}

/**
 * The one resource of `type` (whose properties match `props`, if given) in a template: fails the
 * test unless there is exactly one. The lookup every construct test shares.
 */
export function only(template: Template, type: string, props?: object): FoundResource {
  const found = template.findResources(type, props ? { Properties: props } : undefined);
  expect(Object.keys(found)).toHaveLength(1);
  const [id] = Object.keys(found);
  return { id, ...(found[id] as { Properties: any }) };
}

/** Every resource of `type`, with its logical id. */
export function allOf(template: Template, type: string): FoundResource[] {
  return Object.entries(template.findResources(type)).map(([id, r]) => ({
    id,
    ...(r as { Properties: any }),
  }));
}

/**
 * The one resource of `type` whose logical id starts with `prefix` (the construct path without its
 * hash, e.g. `FilesData` for `Files/Data`): fails the test unless there is exactly one.
 */
export function named(template: Template, type: string, prefix: string): FoundResource {
  const found = allOf(template, type).filter((r) => r.id.startsWith(prefix));
  expect(found.map((r) => r.id)).toEqual([expect.stringMatching(new RegExp(`^${prefix}`))]);
  return found[0];
}

/** The statements of every `AWS::IAM::Policy` attached to the role with logical id `roleId`. */
export function statementsOfRole(template: Template, roleId: string): any[] {
  return allOf(template, 'AWS::IAM::Policy')
    .filter((p) => (p.Properties.Roles ?? []).some((r: any) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}
