import * as v from "valibot";
import { IdseError } from "../errors.ts";
import { parseJsonText } from "../json-text.ts";
import type { DesignStore } from "./contract.ts";

// Reading and writing the JSON documents of a workspace through a DesignStore, with a valibot model as
// the gate: a document that does not parse or does not match its model is reported with its file name.

export function displayKey(store: DesignStore, key: string): string {
  return store.kind === "filesystem" ? `.idse/${key}` : `${store.kind}:${key}`;
}

export function issueText(issues: readonly v.BaseIssue<unknown>[]): string {
  const first = issues[0]!;
  const path = v.getDotPath(first);
  return path ? `${path}: ${first.message}` : first.message;
}

export function parseJsonDoc<S extends v.GenericSchema>(
  store: DesignStore,
  key: string,
  text: string,
  schema: S,
): v.InferOutput<S> {
  let json: unknown;
  try {
    json = parseJsonText(text);
  } catch (err) {
    throw new IdseError("CORRUPT_FILE", { file: displayKey(store, key), reason: (err as Error).message });
  }
  const r = v.safeParse(schema, json);
  if (!r.success)
    throw new IdseError("CORRUPT_FILE", { file: displayKey(store, key), reason: issueText(r.issues) });
  return r.output;
}

export async function readJsonDoc<S extends v.GenericSchema>(
  store: DesignStore,
  key: string,
  schema: S,
): Promise<v.InferOutput<S> | undefined> {
  const text = await store.read(key);
  return text === undefined ? undefined : parseJsonDoc(store, key, text, schema);
}

export async function writeJsonDoc(store: DesignStore, key: string, value: unknown): Promise<void> {
  await store.write(key, `${JSON.stringify(value, null, 2)}\n`);
}
