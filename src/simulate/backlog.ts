/**
 * The backlog of one deferrable (batch) workload and origin: requests that arrived and are neither served nor
 * past their deadline, oldest first. A request of window s must be served by the end of window s + lag - 1
 * (deadlineLag, the planner's own rounding); what is left after that is dropped (unmet). Served requests are
 * taken oldest first (FIFO: the earliest deadline first, since every request has the same deadline).
 */
export class Backlog {
  /** Cohorts by arrival window, oldest first; `requests` is what is still waiting. */
  private readonly cohorts: { window: number; requests: number }[] = [];

  readonly lag: number;

  constructor(lag: number) {
    this.lag = lag;
  }

  arrive(window: number, requests: number): void {
    if (requests > 0) this.cohorts.push({ window, requests });
  }

  /** Everything waiting, requests. */
  pending(): number {
    return this.cohorts.reduce((sum, c) => sum + c.requests, 0);
  }

  /** Requests waiting whose deadline falls at or before the end of window t. */
  dueBy(t: number, lag = this.lag): number {
    return this.cohorts.reduce((sum, c) => sum + (c.window + lag - 1 <= t ? c.requests : 0), 0);
  }

  /** Serves up to `requests`, oldest first; returns what was served. */
  serve(requests: number): number {
    let left = requests;
    while (left > 0 && this.cohorts.length > 0) {
      const oldest = this.cohorts[0]!;
      const taken = Math.min(oldest.requests, left);
      oldest.requests -= taken;
      left -= taken;
      // Float crumbs below a millionth of a request are served, not carried for a week.
      if (oldest.requests <= 1e-6) this.cohorts.shift();
    }
    return requests - Math.max(0, left);
  }

  /** Drops what is still waiting at the end of window t past its deadline; returns the requests dropped. */
  expire(t: number): number {
    let dropped = 0;
    while (this.cohorts.length > 0 && this.cohorts[0]!.window + this.lag - 1 <= t) dropped += this.cohorts.shift()!.requests;
    return dropped;
  }

  /**
   * The least constant rate (requests per window) that serves every waiting request by `share` of its
   * deadline: max over k of (what falls due within k windows) / k. Pacing to half the deadline keeps a
   * forecast miss from turning into dropped batch work; the sum served is the same either way.
   */
  pace(t: number, share: number): number {
    const lag = Math.max(1, Math.floor(this.lag * share));
    let rate = 0;
    for (let k = 1; k <= lag; k++) rate = Math.max(rate, this.dueBy(t + k - 1, lag) / k);
    return rate;
  }
}
