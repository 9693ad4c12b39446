// A progress line for long transfers, on stderr and only when stderr is a terminal (so CI logs and
// --json consumers never see it): shown once a transfer has run for a while, redrawn in place at most
// ten times a second, and erased when it ends.

const SHOW_AFTER_MS = 500;
const REDRAW_MS = 100;

export function progressLine(
  write: (text: string) => void,
  label: string,
  now: () => number = () => performance.now(),
): { update(done: number, total: number): void; end(): void } {
  const started = now();
  let drawn = 0;
  let shown = false;
  return {
    update(done, total) {
      const t = now();
      if (t - started < SHOW_AFTER_MS || (t - drawn < REDRAW_MS && done < total)) return;
      drawn = t;
      shown = true;
      const pct = total ? Math.floor((done / total) * 100) : 100;
      write(`\r\x1b[K${label} ${done}/${total} (${pct}%)`);
    },
    end() {
      if (shown) write("\r\x1b[K");
    },
  };
}
