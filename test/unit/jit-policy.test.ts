import { expect, test } from "bun:test";
import { BULK, jitPolicy } from "../../src/jit-policy.ts";

test("the normal JIT policy comes back once, at the BULK-th document", () => {
  const calls: number[] = [];
  const p = jitPolicy((scale) => calls.push(scale));
  for (let i = 1; i < BULK; i++) p.touch();
  expect(calls).toEqual([]);
  p.touch();
  expect(calls).toEqual([1]);
  p.touch(1000);
  p.normalJit();
  expect(calls).toEqual([1]);
});

test("a count given ahead (validateSessions' sessions × stages) restores it at once; a server restores it itself", () => {
  const ahead: number[] = [];
  jitPolicy((s) => ahead.push(s)).touch(7 * 10);
  expect(ahead).toEqual([1]);
  const small: number[] = [];
  jitPolicy((s) => small.push(s)).touch(7);
  expect(small).toEqual([]);
  const server: number[] = [];
  jitPolicy((s) => server.push(s)).normalJit();
  expect(server).toEqual([1]);
});

test("without Bun.unsafe.setJITPolicy (Deno) nothing is called and nothing throws", () => {
  const p = jitPolicy(undefined);
  p.touch(BULK * 2);
  p.normalJit();
});
