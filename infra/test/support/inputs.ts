/**
 * Reading what the program declared, and what the engine gives back: the translation to the
 * docker CLI (docker-cli.ts, swarm-cli.ts) and the read-back (read-back.ts) share these.
 */
import { createHash } from 'node:crypto';
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

/**
 * The name Pulumi gives a resource declared without one: its resource name and a suffix. Pulumi's
 * suffix is random and kept until the resource is replaced; this one is made from the inputs,
 * so that, as under Pulumi, a replacement (new inputs) is created under a new name beside the
 * old, and the same inputs keep theirs.
 */
export const autoName = (name: string, inputs: Inputs) =>
  `${name}-${createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 7)}`;
