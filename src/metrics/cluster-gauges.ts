/** The gateway's share of cluster-wide work, read when Prometheus scrapes. */
import { Gauge, type Registry } from 'prom-client';

export interface ClusterSources {
  /** Whether this gateway holds the cleanup lease (src/core/cleanup-lease.ts): 1 on SQLite's one gateway. */
  cleanupLeaseHeld(): boolean;
}

export function clusterGauges(registry: Registry, sources: ClusterSources): void {
  new Gauge({
    name: 'logway_cleanup_lease_held',
    help: 'Whether this gateway runs cleanup (retention, compaction, key expiry) for the store: 1 on one gateway of a cluster at a time.',
    registers: [registry],
    collect() {
      this.set(sources.cleanupLeaseHeld() ? 1 : 0);
    },
  });
}
