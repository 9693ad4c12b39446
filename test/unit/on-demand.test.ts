import { expect, test } from "bun:test";
import { NotLoaded, onDemand, withLibraries } from "../../src/on-demand.ts";

test("get() throws NotLoaded until loaded; withLibraries loads once and runs the step again", async () => {
  let imports = 0;
  const lib = onDemand(async () => {
    imports++;
    return { twice: (n: number) => n * 2 };
  });
  expect(() => lib.get()).toThrow(NotLoaded);
  let runs = 0;
  const step = () => {
    runs++;
    return lib.get().twice(21);
  };
  expect(await withLibraries(step)).toBe(42);
  expect([imports, runs]).toEqual([1, 2]);
  expect(await withLibraries(step)).toBe(42);
  expect([imports, runs]).toEqual([1, 3]);
});

test("a step needing two libraries loads each; any other error reaches the caller", async () => {
  const a = onDemand(async () => ({ v: "a" }));
  const b = onDemand(async () => ({ v: "b" }));
  expect(await withLibraries(() => a.get().v + b.get().v)).toBe("ab");
  await expect(
    withLibraries(() => {
      throw new RangeError("a rule's own bug");
    }),
  ).rejects.toThrow(RangeError);
});

test("a library that fails to load is an error, not a loop", async () => {
  const broken = onDemand<{ v: string }>(async () => {
    throw new Error("missing chunk");
  });
  await expect(withLibraries(() => broken.get().v)).rejects.toThrow("missing chunk");
});
