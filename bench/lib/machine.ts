/** What the figures were measured on, printed with every run so they can be compared honestly. */
import os from 'node:os';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  totalMemoryMiB: number;
  node: string;
  platform: string;
  kernel: string;
  /** 1-minute load average when the run started: other work on the machine skews every figure. */
  loadAverageAtStart: number;
  synchronous: 'FULL' | 'NORMAL';
  quick: boolean;
  /** Which cores servers and clients ran on. */
  pinning: string;
  /** Gateway settings changed from their defaults with --set. */
  gatewaySettings: Record<string, string>;
  startedAt: string;
}

export function machineInfo(synchronous: 'FULL' | 'NORMAL', quick: boolean, gatewaySettings: Record<string, string> = {}, pinning = 'unpinned'): MachineInfo {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    totalMemoryMiB: Math.round(os.totalmem() / 1024 / 1024),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    loadAverageAtStart: Math.round(os.loadavg()[0]! * 100) / 100,
    synchronous,
    quick,
    gatewaySettings,
    pinning,
    startedAt: new Date().toISOString(),
  };
}
