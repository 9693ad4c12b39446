import { canonicalLayout } from "../../src/validation/rules/canonical-layout.ts";
import { CANONICAL_FILES, DIR, ruleTester } from "./harness.ts";

const files = (...extra: string[]) => ({ files: [...CANONICAL_FILES, ...extra] });

ruleTester(canonicalLayout, {
  valid: [
    { name: "canonical files", setup: {} },
    { name: "no files at all", setup: { files: [] } },
    {
      name: "metadata files and other notes",
      setup: files(
        "metadata/meta.md",
        "metadata/blueprint.md",
        "specs/diagram.png",
        "notes/ideas.md",
        "specs/spec.md.bak",
      ),
    },
    {
      name: "anything under metadata/ is left alone",
      setup: files("metadata/spec.md", "metadata/old/session.json"),
    },
    {
      name: "a folder merely containing 'current' in its name",
      setup: files("currently/notes.md", "recurrent.md"),
    },
  ],
  invalid: [
    {
      name: "spec.md at the session root → misplaced",
      setup: files("spec.md"),
      errors: [
        {
          messageId: "misplaced",
          file: `${DIR}/spec.md`,
          line: null,
          column: null,
          stage: null,
          message: "spec.md looks like a stage document outside its canonical place",
        },
      ],
    },
    {
      name: "stage document in another stage's folder → misplaced",
      setup: files("specs/plan.md", "implementation/tasks.md"),
      errors: [
        { messageId: "misplaced", file: `${DIR}/implementation/tasks.md` },
        { messageId: "misplaced", file: `${DIR}/specs/plan.md` },
      ],
    },
    {
      name: "a `current` entry → current",
      setup: files("current"),
      errors: [
        {
          messageId: "current",
          file: `${DIR}/current`,
          line: null,
          message: "current: `current` links are not part of the layout; use CURRENT_SESSION",
        },
      ],
    },
    {
      name: "files under a `current` folder → current (not misplaced)",
      setup: files("specs/current/spec.md"),
      errors: [{ messageId: "current", file: `${DIR}/specs/current/spec.md` }],
    },
    {
      name: "session.json outside metadata → stray-metadata",
      setup: files("session.json"),
      errors: [
        {
          messageId: "stray-metadata",
          file: `${DIR}/session.json`,
          stage: null,
          message: "session.json is session metadata outside metadata/",
        },
      ],
    },
    {
      name: "other metadata files outside metadata → stray-metadata",
      setup: files(".owner", "specs/stage_state.json", "x/metadata/session.json"),
      errors: [
        { messageId: "stray-metadata", file: `${DIR}/.owner` },
        { messageId: "stray-metadata", file: `${DIR}/specs/stage_state.json` },
        { messageId: "stray-metadata", file: `${DIR}/x/metadata/session.json` },
      ],
    },
  ],
});
