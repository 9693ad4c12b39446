import { expect, test } from "bun:test";
import { skippedTests } from "../../scripts/junit.ts";
import { allowedSkip } from "../skips.ts";

// The closing line of `npm test` counts skipped tests apart, and in CI an unlisted skip fails the run;
// both rest on reading bun's JUnit report right.

const REPORT = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="bun test" tests="4" assertions="0" failures="0" skipped="3" time="0.03">
  <testsuite name="a.test.ts" file="test/a.test.ts" tests="4" failures="0" skipped="3">
    <testcase name="runs" classname="" time="0.1" file="test/a.test.ts" line="2" assertions="1" />
    <testcase name="b &amp; &quot;c&quot;" classname="skipname" time="0" file="test/a.test.ts" line="3" assertions="0">
      <skipped />
    </testcase>
    <testcase name="later" classname="" time="0" file="test/a.test.ts" line="4" assertions="0">
      <skipped message="TODO" />
    </testcase>
    <testcase name="fails" classname="" time="0" file="test/a.test.ts" line="5" assertions="0">
      <failure type="AssertionError" />
    </testcase>
    <testcase name="mem: persistence — not supported: no disk" classname="" time="0" file="test/conformance/store/memory.test.ts" line="9">
      <skipped />
    </testcase>
  </testsuite>
</testsuites>`;

test("skipped and todo tests are read by file and name; passed and failed ones are not", () => {
  expect(skippedTests(REPORT)).toEqual([
    { file: "test/a.test.ts", name: 'b & "c"' },
    { file: "test/a.test.ts", name: "later" },
    { file: "test/conformance/store/memory.test.ts", name: "mem: persistence — not supported: no disk" },
  ]);
});

test("only a skip on the reasoned list is allowed", () => {
  const [plain, todo, declared] = skippedTests(REPORT);
  expect(allowedSkip(plain!.file, plain!.name)).toBeUndefined();
  expect(allowedSkip(todo!.file, todo!.name)).toBeUndefined();
  expect(allowedSkip(declared!.file, declared!.name)?.reason).toContain("unsupported");
});
