import { feedbackBeforeCompletion } from "../../src/validation/rules/feedback-before-completion.ts";
import { appended, FILLED, fileOf, ruleTester, UNTOUCHED } from "./harness.ts";

const M = "[REQUIRES INPUT]";
/** The feedback template with its guidance and markers deleted: title, header list and bare headings. */
const HEADINGS_ONLY = UNTOUCHED.feedback
  .split("\n")
  .filter((l) => !/^_.*_$/.test(l) && l !== M)
  .join("\n");

ruleTester(feedbackBeforeCompletion, {
  valid: [
    { name: "gate with filled feedback", setup: { gate: true } },
    { name: "session complete with filled feedback", setup: { status: "complete" } },
    {
      name: "not gate, status draft, untouched feedback",
      setup: { status: "draft", texts: { feedback: UNTOUCHED.feedback } },
    },
    { name: "not gate, status in_progress, missing feedback", setup: { texts: { feedback: null } } },
    {
      name: "not gate, status review, untouched feedback",
      setup: { status: "review", texts: { feedback: UNTOUCHED.feedback } },
    },
    {
      name: "gate, marker only inside a code block of the feedback",
      setup: { gate: true, texts: { feedback: appended(FILLED.feedback, `\`\`\`\n${M}\n\`\`\``) } },
    },
    {
      name: "gate: other stages unfinished is not this rule's business",
      setup: { gate: true, texts: { spec: UNTOUCHED.spec } },
    },
  ],
  invalid: [
    {
      name: "gate with untouched feedback → no-feedback",
      setup: { gate: true, texts: { feedback: UNTOUCHED.feedback } },
      errors: [
        {
          messageId: "no-feedback",
          stage: "feedback",
          file: fileOf("feedback"),
          line: null,
          column: null,
          message: "the session cannot complete before its feedback document is written",
        },
      ],
    },
    {
      name: "status complete with untouched feedback → no-feedback",
      setup: { status: "complete", texts: { feedback: UNTOUCHED.feedback } },
      errors: [{ messageId: "no-feedback", stage: "feedback", line: null }],
    },
    {
      name: "gate with missing feedback → no-feedback",
      setup: { gate: true, status: "review", texts: { feedback: null } },
      errors: [{ messageId: "no-feedback", stage: "feedback", file: fileOf("feedback") }],
    },
    {
      name: "gate with feedback still holding a marker → no-feedback",
      setup: { gate: true, texts: { feedback: appended(FILLED.feedback, `Follow-up: ${M}`) } },
      errors: [{ messageId: "no-feedback" }],
    },
    {
      name: "gate with untouched CRLF feedback → no-feedback",
      setup: { gate: true, texts: { feedback: UNTOUCHED.feedback.replace(/\n/g, "\r\n") } },
      errors: [{ messageId: "no-feedback" }],
    },
    {
      // An empty (or whitespace-only) feedback document has not been written either.
      name: "gate with an empty feedback document → no-feedback",
      setup: { gate: true, texts: { feedback: "\n\n" } },
      errors: [{ messageId: "no-feedback", stage: "feedback" }],
    },
    {
      // Deleting guidance and markers writes nothing: the header list (Session/Stack/Date/Owner) is the
      // template's, and every section is empty.
      name: "gate with feedback reduced to title, header list and bare headings → no-feedback",
      setup: { gate: true, texts: { feedback: HEADINGS_ONLY } },
      errors: [{ messageId: "no-feedback", stage: "feedback" }],
    },
  ],
});
