// The shapes a Flujo state import produces, whichever backend (SQLite file or PostgreSQL) it read.
import type { Decimal } from '../../pricing/decimal';

export interface FlujoStep {
  name: string;
  success?: boolean;
  latencyMs?: number;
  /** undefined: Flujo did not record it (NULL) or it was unusable, so unknown — not 0. */
  tokens: number | undefined;
  /** undefined: Flujo did not record it (NULL), so unknown — not $0. */
  costUsd: Decimal | undefined;
  /** cost_usd was present but null or unusable (junk is reported as a warning): the run's cost is unknown. */
  costUnusable?: boolean;
  attempts?: number;
}

export interface FlujoRun {
  runId: string;
  pipelineName: string;
  pipelineId?: string;
  pipelineVersion?: string;
  /** Flujo's own status text (`running`, `completed`, `failed`, `paused`, `cancelled` …). */
  status: string;
  /** ISO 8601 UTC. */
  createdAt: string;
  updatedAt?: string;
  executionTimeMs?: number;
  errorMessage?: string;
  steps: FlujoStep[];
  /** Σ step cost_usd, exact (each float read through its shortest decimal text); undefined when any step's cost (or the run's steps) is unknown. */
  costUsd: Decimal | undefined;
  /** Σ step token_counts; undefined when any step's count (or the run's steps) is unknown. */
  totalTokens?: number;
}

export interface FlujoReadResult {
  db: string;
  runs: FlujoRun[];
  /** Non-fatal problems: unparsable step_history, missing tables … */
  warnings: string[];
  wal: {
    present: boolean;
    framesApplied: number;
    commits: number;
    framesIgnored: number;
    /** Commits after an invalid frame (lost, as in SQLite). */
    commitsIgnored: number;
    /** The invalid frame that ended replay. */
    stoppedAt?: { frame: number; offset: number; reason: string };
    ignoredReason?: string;
  };
}

/** The import cannot read the database at all (missing, not SQLite, too large …). Located: `file`. */
export class FlujoImportError extends Error {
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FlujoImportError';
  }
}
