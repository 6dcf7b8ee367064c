/**
 * Reading what the program declared, and what the engine gives back: the translation to the
 * docker CLI (docker-cli.ts, swarm-cli.ts) and the read-back (read-back.ts) share these.
 */
import * as pulumi from '@pulumi/pulumi';

export type Inputs = Record<string, unknown>;

const isSecretWrapper = (value: unknown): value is { value: unknown } =>
  typeof value === 'object' &&
  value !== null &&
  (value as Inputs)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig;

/** The plain value of an input the program marked secret. */
export const reveal = (value: unknown): unknown => (isSecretWrapper(value) ? value.value : value);

/** An input or an engine's field, read as a list, a block or text: absent reads as empty. */
export const list = (value: unknown) => (value ?? []) as unknown[];
export const record = (value: unknown) => (value ?? {}) as Inputs;
export const str = (value: unknown) => String(value);
