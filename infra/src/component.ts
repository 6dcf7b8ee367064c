/**
 * What every resource declared inside one of the program's components shares: its parent, and
 * the alias that says it was once declared at the top of the stack, so that a stack deployed
 * before the components existed keeps its resources instead of replacing every one of them.
 */
import * as pulumi from '@pulumi/pulumi';

/** The type token of a component of this program: `prodstack:index:<name>`. */
export const componentType = (name: string) => `prodstack:index:${name}`;

export const childOf = (
  parent: pulumi.Resource,
  more: pulumi.CustomResourceOptions = {},
): pulumi.CustomResourceOptions => ({
  ...more,
  parent,
  aliases: [{ parent: pulumi.rootStackResource }],
});
