import type { ResolvedTemplate } from '../iam/resolve-template';

/** A resource of a resolved template, with its logical id. */
export interface FoundResource {
  readonly id: string;
  readonly type: string;
  readonly props: Record<string, unknown>;
}

/** Every resource of one CloudFormation type. */
export function resourcesOfType(template: ResolvedTemplate, type: string): FoundResource[] {
  return Object.entries(template.resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => ({ id, type: r.Type, props: r.Properties }));
}

/** The one resource of a type whose `Ref` (or `Arn` attribute) is the value given. */
export function resourceNamed(
  template: ResolvedTemplate,
  type: string,
  refOrArn: unknown,
): FoundResource | undefined {
  return resourcesOfType(template, type).find(
    (r) => template.ref(r.id) === refOrArn || attributeOrUndefined(template, r.id, 'Arn') === refOrArn,
  );
}

function attributeOrUndefined(template: ResolvedTemplate, id: string, attribute: string) {
  try {
    return template.getAtt(id, attribute);
  } catch {
    return undefined; // the type has no such attribute
  }
}

export const asList = (value: unknown): unknown[] =>
  Array.isArray(value) ? value : value === undefined ? [] : [value];
