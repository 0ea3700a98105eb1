let installed: AbortSignal | undefined;

/**
 * An AbortSignal aborted on the first SIGTERM or SIGINT; a second one exits at once with code 1, as
 * controller-runtime's `SetupSignalHandler`. Opt-in, because a library should not take over a process's signals.
 * Pass it to `manager.start(signal)`; calling this twice returns the same signal.
 */
export function setupSignalHandler(): AbortSignal {
  if (installed) return installed;
  const controller = new AbortController();
  installed = controller.signal;
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(1);
    controller.abort(new Error(`received ${signal}`));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return installed;
}
