/**
 * When the server process is asked to stop: SIGTERM (supervisors, `docker
 * stop`, `kill`), SIGINT (Ctrl-C) — and the exit of the npm process that
 * launched it.
 *
 * That last one is for `npx semauth server` and `npm start`: npm runs the
 * command through `sh -c`, and on SIGTERM npm and the shell exit without
 * passing the signal on, which would leave the server running, orphaned. A
 * process started by npm (npm sets `npm_lifecycle_event`) therefore watches
 * its parent, and stops when the parent is gone. Processes started directly
 * (`node …/bin/semauth.js server`, the installed bin, a container or a
 * systemd unit) are not affected: a supervisor that must own the process
 * should run it that way anyway.
 */

const PARENT_POLL_MS = 500;

export function onStopRequest(stop: (reason: string) => void, env: NodeJS.ProcessEnv = process.env): void {
  let stopped = false;
  const once = (reason: string) => {
    if (stopped) return;
    stopped = true;
    stop(reason);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => once(signal));

  if (env.npm_lifecycle_event !== undefined) {
    const parent = process.ppid;
    // process.ppid is read anew each time: it changes when the parent exits and we are re-parented.
    const timer = setInterval(() => {
      if (process.ppid !== parent) {
        clearInterval(timer);
        once('launcher exited');
      }
    }, PARENT_POLL_MS);
    timer.unref();
  }
}
