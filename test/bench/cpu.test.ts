/**
 * The bench shows every row's server and client CPU (bench/lib/cpu.ts) so that a
 * client-bound figure can be seen. These tests pin the accounting: the /proc parse,
 * and a meter over several processes adding up what each of them used.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cpuTimeMs, CpuMeter, minorFaults, parseSchedstatWaitMs, parseStatCpuMs, parseStatMinorFaults, runQueueWaitMs } from '../../bench/lib/cpu.js';
import { ClientWorker } from '../../bench/lib/worker.js';

const workers: ClientWorker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
});

describe('bench CPU accounting', () => {
  it('reads utime + stime from /proc/<pid>/stat, whatever the command name holds', () => {
    // Fields after the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    const stat = '4242 (node) (x y)) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 75 0 0 20 0 11 0 123 456 789';
    expect(parseStatCpuMs(stat)).toBe((250 + 75) * 10);
  });

  it('reads minor page faults from /proc/<pid>/stat, and they grow when the process touches fresh memory', () => {
    const stat = '4242 (node) (x y)) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 75 0 0 20 0 11 0 123 456 789';
    expect(parseStatMinorFaults(stat)).toBe(100);
    expect(() => parseStatMinorFaults('4242 (node)')).toThrow(/unreadable/);
    const before = minorFaults(process.pid)!;
    const fresh = Buffer.alloc(64 * 1024 * 1024, 1); // zero-filled then written: every page touched
    expect(minorFaults(process.pid)! - before).toBeGreaterThan(1000);
    expect(fresh.at(-1)).toBe(1);
    expect(minorFaults(2 ** 22 + 1)).toBeUndefined();
  });

  it('reads the run-queue wait from /proc/<pid>/schedstat (on CPU ns, waiting ns, timeslices)', () => {
    expect(parseSchedstatWaitMs('1234567890 45600000 789\n')).toBe(45.6);
    expect(() => parseSchedstatWaitMs('')).toThrow(/unreadable/);
    expect(runQueueWaitMs(process.pid)).toBeGreaterThanOrEqual(0);
    expect(runQueueWaitMs(2 ** 22 + 1)).toBeUndefined();
  });

  it('refuses a stat line it cannot read instead of reporting 0', () => {
    expect(() => parseStatCpuMs('4242 (node)')).toThrow(/unreadable/);
  });

  it('reads this process and answers undefined for one that does not exist', () => {
    expect(cpuTimeMs(process.pid)).toBeGreaterThan(0);
    expect(cpuTimeMs(2 ** 22 + 1)).toBeUndefined();
  });

  it('adds up the CPU that each of several processes used since its reset', async () => {
    const a = ClientWorker.start('test/bench/fixtures/busy-worker.ts');
    const b = ClientWorker.start('test/bench/fixtures/busy-worker.ts');
    workers.push(a, b);
    await Promise.all([a.call('echo'), b.call('echo')]); // both started
    const meter = new CpuMeter([a.pid, b.pid]);
    const burnt = await Promise.all([a.call('burn', { cpuMs: 300 }), b.call('burn', { cpuMs: 200 })]);
    const used = burnt.reduce((sum, m) => sum + Number(m.usedMs), 0);
    // /proc counts in 10 ms ticks; each process's own count may fall a tick or so short of its cpuUsage().
    expect(meter.cpuMs()).toBeGreaterThanOrEqual(used - 40);
    expect(meter.cores()).toBeGreaterThan(0);
  });

  it('answers undefined once a measured process is gone, rather than a figure for the rest', async () => {
    const a = ClientWorker.start('test/bench/fixtures/busy-worker.ts');
    await a.call('echo');
    const meter = new CpuMeter([process.pid, a.pid]);
    await a.stop();
    expect(meter.cpuMs()).toBeUndefined();
    expect(meter.cores()).toBeUndefined();
  });
});
