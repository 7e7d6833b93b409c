// Live export of each new run to the team's OpenTelemetry endpoint (`promptCost.telemetry.endpoint`):
// opt-in, only in a trusted workspace, headers from SecretStorage, through a persisted bounded queue
// (core/history/otel/queue.ts) so a run never waits for the network and nothing is lost while the
// collector is down. Runs imported from the team (they carry an `origin`) are never sent back.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { OtlpExportQueue } from '../../core/history/otel/queue';
import type { RunRecord } from '../../core/history/record';
import { COMMANDS } from '../commandIds';
import { CONFIG_KEYS, onConfigChange, readTelemetrySettings } from '../config';
import type { Services } from '../services';
import { Disposable } from '../util/dispose';
import { historyStore } from './store';
import { IN_BROWSER } from '../platform';

export const TELEMETRY_HEADERS_SECRET = 'promptCost.telemetry.headers';
const QUEUE_FILE = 'otlp-export-queue.json';
const FINAL: ReadonlySet<RunRecord['status']> = new Set(['ok', 'error', 'cancelled']);

export class TeamExporter extends Disposable {
  private queue: OtlpExportQueue | undefined;
  private seen = new Set<string>();
  private listening: vscode.Disposable | undefined;
  private generation = 0;

  constructor(private readonly services: Services) {
    super();
    this._register(onConfigChange(CONFIG_KEYS.telemetry, () => void this.rebuild()));
    this._register(services.trust.onDidChange(() => void this.rebuild()));
    this._register({ dispose: () => this.stop() });
    void this.rebuild();
  }

  /** The queue while export is on (tests read its stats and drain it). */
  get activeQueue(): OtlpExportQueue | undefined {
    return this.queue;
  }

  private stop(): void {
    this.generation++;
    this.listening?.dispose();
    this.listening = undefined;
    this.queue?.dispose();
    this.queue = undefined;
  }

  /** (Re)starts or stops exporting after a settings or trust change. */
  async rebuild(): Promise<void> {
    this.stop();
    const gen = this.generation;
    const s = readTelemetrySettings();
    // In VS Code for the Web there is no file system for the queue: export is an editor-on-desktop feature.
    if (!s.endpoint || !this.services.trust.isTrusted || IN_BROWSER) return;
    const [{ OtlpExportQueue }, { exportRunsToOtlp }, { parseOtlpHeaders, tracesUrl }] = await Promise.all([
      import('../../core/history/otel/queue'),
      import('../../core/history/otel/exportRuns'),
      import('../../core/history/otel/send'),
    ]);
    const store = historyStore(this.services);
    await store.whenReady();
    if (gen !== this.generation) return;
    const ctx = this.services.context;
    const url = tracesUrl(s.endpoint);
    const version = String((ctx.extension?.packageJSON as { version?: string } | undefined)?.version ?? '');
    const queue = new OtlpExportQueue({
      file: path.join(ctx.globalStorageUri.fsPath, QUEUE_FILE),
      log: (m) => this.services.log.warn(`team export: ${m}`),
      send: async (records) => {
        const headers = parseOtlpHeaders(await ctx.secrets.get(TELEMETRY_HEADERS_SECRET));
        return exportRunsToOtlp(records, {
          url,
          headers,
          maxAttempts: 1,
          includeText: s.includeText,
          ...(s.member ? { member: s.member } : {}),
          ...(version ? { serviceVersion: version } : {}),
        });
      },
    });
    queue.load();
    this.queue = queue;
    // Runs already in the history when export starts are not sent (`prompt-cost history export --otlp` does that).
    this.seen = new Set(store.runs().map((v) => `${v.run.id}\u0000${v.run.status}`));
    this.listening = store.onDidChange(() => this.collect());
    this.services.log.info(`team export on: new runs go to ${url}`);
  }

  /** Queues the runs that finished since the last look (and are this machine's own). */
  private collect(): void {
    const queue = this.queue;
    if (!queue) return;
    for (const v of historyStore(this.services).runs()) {
      const r = v.run;
      const key = `${r.id}\u0000${r.status}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      if (r.origin === undefined && FINAL.has(r.status)) queue.enqueue(r);
    }
  }
}

const exporters = new WeakMap<Services, TeamExporter>();

export function teamExporter(services: Services): TeamExporter | undefined {
  return exporters.get(services);
}

/** Asks for the endpoint's headers (`Authorization=Basic …,x-scope=…`) and keeps them in SecretStorage. */
async function setTelemetryHeaders(services: Services): Promise<void> {
  const value = await vscode.window.showInputBox({
    title: 'Team telemetry headers',
    prompt:
      'Headers for promptCost.telemetry.endpoint, as in OTEL_EXPORTER_OTLP_HEADERS: key=value pairs separated by commas, e.g. Authorization=Basic%20<base64 of public:secret key> for Langfuse. Empty removes them.',
    password: true,
    ignoreFocusOut: true,
  });
  if (value === undefined) return;
  if (value.trim()) await services.context.secrets.store(TELEMETRY_HEADERS_SECRET, value.trim());
  else await services.context.secrets.delete(TELEMETRY_HEADERS_SECRET);
}

export function registerTeamExport(services: Services): vscode.Disposable {
  const exporter = new TeamExporter(services);
  exporters.set(services, exporter);
  return vscode.Disposable.from(
    exporter,
    vscode.commands.registerCommand(COMMANDS.setTelemetryHeaders, () => setTelemetryHeaders(services)),
  );
}
