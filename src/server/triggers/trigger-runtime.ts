import type { ServerContext } from '../server-context.js';
import { CommitStatusReporter } from './commit-status-reporter.js';
import { ForgeSettingsRepository } from './forge-settings.js';
import { RefPoller } from './ref-poller.js';
import { ScheduleLoop, type Clock } from './schedule-loop.js';
import { StoreDeliveryLog } from './store-delivery-log.js';
import { TriggerService } from './trigger-service.js';

/** How often old webhook delivery ids are deleted, in milliseconds. */
export const DELIVERY_PRUNE_MS = 60 * 60_000;

/** Settings of the server's triggers; every field has a default. */
export interface TriggerRuntimeOptions {
  /** Base URL of the web UI for links in commit statuses; default the SLUICE_PUBLIC_URL environment variable. */
  publicUrl?: string;
  statusRetryDelaysMs?: readonly number[];
  clock?: Clock;
  /** Start the poller and the schedule loop; default true. */
  startLoops?: boolean;
}

/** The trigger parts of one server process, created by the webhook route module. */
export interface TriggerRuntime {
  settings: ForgeSettingsRepository;
  deliveryLog: StoreDeliveryLog;
  reporter: CommitStatusReporter;
  service: TriggerService;
  poller: RefPoller;
  scheduler: ScheduleLoop;
  /** True when the poller and the schedule loop were asked to run (`startLoops`). */
  loopsEnabled: boolean;
  /** Stops the loops, waits for trigger decisions in flight, then for the commit status requests. */
  stop(): Promise<void>;
}

const runtimes = new WeakMap<ServerContext, TriggerRuntime>();

/** Returns the trigger runtime of a server, once the webhook route module has registered. */
export function triggerRuntimeOf(context: ServerContext): TriggerRuntime | undefined {
  return runtimes.get(context);
}

/** Creates the trigger runtime of a server and starts its loops; `stop` ends them. */
export function createTriggerRuntime(context: ServerContext, options: TriggerRuntimeOptions = {}): TriggerRuntime {
  const settings = new ForgeSettingsRepository(context.store, context.secrets);
  const deliveryLog = new StoreDeliveryLog(context.store);
  const reporter = new CommitStatusReporter({
    context,
    settings,
    publicUrl: options.publicUrl ?? process.env.SLUICE_PUBLIC_URL,
    retryDelaysMs: options.statusRetryDelaysMs,
  });
  const service = new TriggerService({ context, settings, reporter });
  const poller = new RefPoller({ service });
  const scheduler = new ScheduleLoop({ service, clock: options.clock });

  const pruneTimer = setInterval(() => {
    deliveryLog.prune().catch((error: unknown) => context.logger.error({ err: error }, 'pruning webhook delivery ids failed'));
  }, DELIVERY_PRUNE_MS);
  pruneTimer.unref();
  if (options.startLoops ?? true) {
    poller.start();
    scheduler.start();
  }

  let stopping: Promise<void> | undefined;
  const runtime: TriggerRuntime = {
    settings,
    deliveryLog,
    reporter,
    service,
    poller,
    scheduler,
    loopsEnabled: options.startLoops ?? true,
    stop() {
      stopping ??= (async () => {
        clearInterval(pruneTimer);
        await Promise.all([poller.stop(), scheduler.stop()]);
        await service.idle();
        await reporter.close();
      })();
      return stopping;
    },
  };
  runtimes.set(context, runtime);
  return runtime;
}
