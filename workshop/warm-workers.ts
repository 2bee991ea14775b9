/**
 * vitest's forks pool for a learner's runs, which in watch mode keeps the next worker started.
 *
 * A learner's run gives each test file a new worker process, and a new worker has to start
 * Node.js, vitest's runner, the durable SDK and the local checkpoint server before its first
 * test: in `npm run watch`, about 0.3 s of the time between a save and its result. So in watch
 * mode the next worker is started as soon as a run is done, while the learner reads its result,
 * and the next save finds it ready (workshop/testing/worker-preload.ts says what it loads). It
 * serves only a run with the same command line and environment, and ends with the command.
 */
import { type ChildProcess, fork } from "node:child_process";
import { ForksPoolWorker, type PoolOptions, type PoolRunnerInitializer } from "vitest/node";

export interface WarmForks extends PoolRunnerInitializer {
  /** The process id of the worker started ahead, if there is one. */
  startedAhead(): number | undefined;
}

interface PoolState {
  /** The worker started ahead, and the command line and environment it was started with. */
  ahead?: { key: string; worker: ChildProcess };
  /** Whether the worker started ahead is ended when the command exits. */
  endsWithCommand?: boolean;
}

class WarmForksWorker extends ForksPoolWorker {
  override readonly name = "warm-forks";

  private readonly pool: PoolState;

  constructor(options: PoolOptions, pool: PoolState) {
    super(options);
    this.pool = pool;
  }

  private get key(): string {
    return JSON.stringify([this.execArgv, this.env]);
  }

  override async start(): Promise<void> {
    const { ahead } = this.pool;
    const taken = ahead?.key === this.key && ahead.worker.connected ? ahead.worker : undefined;
    if (taken === undefined) ahead?.worker.kill();
    this.pool.ahead = undefined;
    // ForksPoolWorker starts a process only when it has none yet in `_fork` (vitest 4.1), and
    // talks to the one its `fork` getter returns. Should a later version keep it elsewhere, it
    // starts one as before, and the one started ahead is ended (tests/warm-workers.test.ts fails).
    const self = this as unknown as { _fork?: ChildProcess; readonly fork?: ChildProcess };
    if (taken !== undefined) {
      taken.ref();
      taken.channel?.ref();
      self._fork = taken;
    }
    await super.start();
    if (taken !== undefined && self.fork !== taken) taken.kill();
  }

  // The next worker starts once this one is done: started beside it, it would slow its run
  // (the first result of npm run watch came about 0.5 s later).
  override async stop(): Promise<void> {
    await super.stop();
    if (this.env.VITEST_MODE === "WATCH" && this.pool.ahead === undefined) this.startNext();
  }

  /** As ForksPoolWorker starts one, but left out of the event loop until a run takes it. */
  private startNext(): void {
    const worker = fork(this.entrypoint, [], {
      env: this.env,
      execArgv: this.execArgv,
      stdio: "pipe",
      serialization: "advanced",
    });
    worker.unref();
    worker.channel?.unref();
    this.pool.ahead = { key: this.key, worker };
    const { pool } = this;
    if (!pool.endsWithCommand) {
      process.once("exit", () => pool.ahead?.worker.kill());
      pool.endsWithCommand = true;
    }
  }
}

export function warmForks(): WarmForks {
  const pool: PoolState = {};
  return {
    name: "warm-forks",
    createPoolWorker: (options) => new WarmForksWorker(options, pool),
    startedAhead: () => pool.ahead?.worker.pid,
  };
}
