// A crash test's injection point: with IDSE_TEST_KILL_AT=<point>, the process kills itself with SIGKILL
// there, between two writes, as `kill -9` would, so a test can stop a run at an exact step instead of
// after a guessed delay (test/e2e/plugin-kill.test.ts: plugin add and remove; test/reliability/
// sync-push-kill.test.ts: the batch writer's steps). Costs one env lookup, in the run's env when the
// caller has it (plugin add and remove); the batch writer takes documents, not a run, so it reads the
// process's.

export function killPoint(
  point: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): void {
  if (env.IDSE_TEST_KILL_AT === point) process.kill(process.pid, "SIGKILL");
}
