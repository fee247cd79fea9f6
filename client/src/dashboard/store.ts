/**
 * The dashboard's state and how it changes: reads of each tab's report (one
 * at a time per tab; answers about a connection that is no longer active are
 * dropped), the pool time series, the benchmark picks, the tab shown. The
 * webview panel and the tree views both listen to it. No `vscode` here: the
 * reads go through a DashboardSource (source.ts in the extension, fakes in
 * the tests).
 */
import type { BenchmarkRun, IndexHealthReport, MigrationsReport, PoolReport, SettingsReport, TableHealthReport } from '../../../shared/dashboard';
import { emptyDashboardState, type DashboardConnection, type DashboardState, type DashboardTab, type RunRole } from './messages';
import { appendPoolSample } from './model';

/** Where the reports come from. `userAsked` is false for the pool's timer: a source asks the user nothing then. */
export interface DashboardSource {
  /** The active connection; throws (naming it) when it cannot be used. */
  connection(): DashboardConnection;
  migrations(userAsked: boolean): Promise<MigrationsReport>;
  pool(userAsked: boolean): Promise<PoolReport>;
  health(userAsked: boolean): Promise<IndexHealthReport>;
  benchmarks(userAsked: boolean): Promise<BenchmarkRun[]>;
  tables(userAsked: boolean): Promise<TableHealthReport>;
  settings(userAsked: boolean): Promise<SettingsReport>;
}

export class DashboardStore {
  private current: DashboardState;
  private readonly listeners = new Set<(state: DashboardState) => void>();
  /** Bumped when the connection changes: reads started before are dropped. */
  private generation = 0;

  constructor(private readonly source: DashboardSource, initial: DashboardState = emptyDashboardState()) {
    this.current = initial;
    this.connectionChanged();
  }

  get state(): DashboardState {
    return this.current;
  }

  onChange(listener: (state: DashboardState) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /**
   * The state a reloaded webview saved (setState): shown again while the
   * extension has read nothing itself, its reports kept if they are of the
   * active connection.
   */
  restore(saved: DashboardState): void {
    const c = this.current;
    if (c.migrations.at || c.pool.at || c.health.at || c.benchmarks.at || c.tables.at || c.settings.at) return;
    this.current = { ...c, seq: Math.max(c.seq, saved.seq) };
    this.update({
      tab: saved.tab,
      connection: saved.connection,
      migrations: { ...saved.migrations, loading: false },
      pool: { ...saved.pool, loading: false },
      health: { ...saved.health, loading: false },
      // A page saved before these tabs existed has no entry for them.
      tables: { ...saved.tables, loading: false },
      settings: { ...saved.settings, loading: false },
      benchmarks: { ...saved.benchmarks, loading: false, running: false },
    });
    this.connectionChanged();
  }

  /** The active connection changed (or may have): reports of another database are dropped. */
  connectionChanged(): void {
    let connection: DashboardConnection | undefined;
    let connectionError: string | undefined;
    try {
      connection = this.source.connection();
    } catch (error) {
      connectionError = error instanceof Error ? error.message : String(error);
    }
    const before = this.current.connection;
    if (before !== undefined && connection !== undefined && JSON.stringify(before) === JSON.stringify(connection)) return;
    this.generation++;
    this.update({
      connection,
      connectionError,
      migrations: {},
      pool: { history: [] },
      health: {},
      tables: {},
      settings: {},
      // Saved runs are files of the workspace, whatever the connection: kept.
      benchmarks: { ...this.current.benchmarks, loading: false, error: undefined },
    });
  }

  showTab(tab: DashboardTab): void {
    if (this.current.tab !== tab) this.update({ tab });
    if (this.loaded(tab).at === undefined && !this.loaded(tab).error) void this.refresh(tab, true);
  }

  /** Reads a tab's report. A read already running for the tab is not doubled. */
  async refresh(tab: DashboardTab, userAsked: boolean): Promise<void> {
    if (this.loaded(tab).loading) return;
    const generation = this.generation;
    this.patch(tab, { loading: true });
    try {
      switch (tab) {
        case 'migrations': {
          const value = await this.source.migrations(userAsked);
          if (generation === this.generation) this.update({ migrations: { value, at: value.at } });
          break;
        }
        case 'pool': {
          const value = await this.source.pool(userAsked);
          if (generation === this.generation) {
            this.update({ pool: { value, at: value.at, history: appendPoolSample(this.current.pool.history, value) } });
          }
          break;
        }
        case 'health': {
          const value = await this.source.health(userAsked);
          if (generation === this.generation) this.update({ health: { value, at: value.at } });
          break;
        }
        case 'tables': {
          const value = await this.source.tables(userAsked);
          if (generation === this.generation) this.update({ tables: { value, at: value.at, ...(this.current.tables.value ? { previous: this.current.tables.value } : {}) } });
          break;
        }
        case 'settings': {
          const value = await this.source.settings(userAsked);
          if (generation === this.generation) this.update({ settings: { value, at: value.at } });
          break;
        }
        case 'benchmarks': {
          const value = await this.source.benchmarks(userAsked);
          this.update({ benchmarks: { ...this.current.benchmarks, value, at: new Date().toISOString(), loading: false, error: undefined } });
          break;
        }
      }
    } catch (error) {
      if (generation === this.generation || tab === 'benchmarks') {
        this.patch(tab, { loading: false, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  /** Whether the pool's timer should read now: its tab is shown and the last read did not fail (a failure waits for Refresh). */
  poolDue(): boolean {
    const pool = this.current.pool;
    return this.current.tab === 'pool' && !pool.loading && pool.error === undefined && this.current.connection !== undefined;
  }

  pickRun(id: string, role: RunRole): void {
    const b = this.current.benchmarks;
    if (role === 'show') this.update({ benchmarks: { ...b, selected: id } });
    else if (role === 'base') this.update({ benchmarks: { ...b, base: id, head: b.head === id ? undefined : b.head } });
    else this.update({ benchmarks: { ...b, head: id, base: b.base === id ? undefined : b.base } });
  }

  /** A run just saved: listed first and shown; the one shown before becomes its base, to compare with. */
  addRun(run: BenchmarkRun): void {
    const b = this.current.benchmarks;
    const runs = [run, ...(b.value ?? []).filter((r) => r.id !== run.id)];
    const previous = b.selected ?? b.value?.[0]?.id;
    this.update({
      tab: 'benchmarks',
      benchmarks: { ...b, value: runs, at: new Date().toISOString(), selected: run.id, head: run.id, base: previous !== run.id ? previous : b.base },
    });
  }

  setBenchmarkRunning(running: boolean): void {
    this.update({ benchmarks: { ...this.current.benchmarks, running } });
  }

  setBenchmarkTarget(target: string | undefined): void {
    if (this.current.benchmarks.target !== target) this.update({ benchmarks: { ...this.current.benchmarks, target } });
  }

  private loaded(tab: DashboardTab): { loading?: boolean; at?: string; error?: string } {
    return this.current[tab];
  }

  private patch(tab: DashboardTab, change: { loading?: boolean; error?: string }): void {
    const base = this.loaded(tab);
    const next = { ...base, ...change };
    if (change.loading) delete next.error;
    this.update({ [tab]: next } as Partial<DashboardState>);
  }

  private update(change: Partial<DashboardState>): void {
    this.current = { ...this.current, ...change, seq: this.current.seq + 1 };
    for (const listener of this.listeners) listener(this.current);
  }
}
