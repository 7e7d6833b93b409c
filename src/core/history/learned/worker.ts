// Worker-thread entry (bundled to dist/learn-worker.js): learning output tokens from the run ledgers off
// the extension host's thread. Each ledger is followed (only bytes appended since the last request are
// read, see LedgerFollower) and fed to an OutputLearner, which recomputes only the series that changed.
// A bad line is skipped by the ledger reader and counted: it never stops learning.
//   in  { id, ledgers: string[], accuracy?: boolean }
//   out { id, result: LearnWorkerResult } | { id, error }
// Requests are answered one at a time, in order.
import { parentPort } from 'node:worker_threads';
import { LedgerFollower } from '../ledger';
import { backtestOutputEstimates } from './accuracy';
import { OutputLearner } from './learner';
import type { LearnWorkerRequest, LearnWorkerResult, LedgerLearned } from './workerClient';
import { errorText } from '../../errors';

interface Followed {
  follower: LedgerFollower;
  learner: OutputLearner;
  accuracy?: ReturnType<typeof backtestOutputEstimates>;
}

const followed = new Map<string, Followed>();

async function learn(file: string, withAccuracy: boolean): Promise<LedgerLearned> {
  const started = performance.now();
  let f = followed.get(file);
  if (!f) followed.set(file, (f = { follower: new LedgerFollower(file), learner: new OutputLearner() }));
  const update = await f.follower.poll();
  if (update.reset) f.learner = new OutputLearner();
  f.learner.apply(update.entries);
  const changed = update.reset || f.learner.pending > 0 || update.entries.length > 0;
  if (changed) f.accuracy = undefined;
  const entries = f.learner.snapshot();
  if (withAccuracy && !f.accuracy) f.accuracy = backtestOutputEstimates(f.follower.state().runs);
  return {
    file,
    changed,
    entries,
    corruptLines: f.follower.corrupt.length,
    ...(withAccuracy ? { accuracy: f.accuracy } : {}),
    ms: performance.now() - started,
  };
}

async function handle(req: LearnWorkerRequest): Promise<LearnWorkerResult> {
  const ledgers: LedgerLearned[] = [];
  for (const file of req.ledgers) {
    try {
      ledgers.push(await learn(file, req.accuracy === true));
    } catch (err) {
      // An unreadable ledger (permissions, a directory) is reported; the others are still learned.
      ledgers.push({ file, changed: false, entries: [], corruptLines: 0, error: errorText(err), ms: 0 });
    }
  }
  for (const file of [...followed.keys()]) if (!req.ledgers.includes(file)) followed.delete(file);
  return { ledgers };
}

let queue: Promise<void> = Promise.resolve();
parentPort?.on('message', (req: LearnWorkerRequest & { id: number }) => {
  queue = queue.then(async () => {
    try {
      parentPort!.postMessage({ id: req.id, result: await handle(req) });
    } catch (err) {
      parentPort!.postMessage({ id: req.id, error: errorText(err, 'stack') });
    }
  });
});
