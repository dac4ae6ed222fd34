/**
 * Ports for processes that are restarted on the same address (test clusters' nodes, restarted
 * gateways), taken below Linux's ephemeral range (32768-60999 by default), where the kernel never
 * hands one out for a `listen(0)` or an outgoing connection. A port the kernel chose could, while
 * its process is down, be given to any other process (another test's gateway or cluster), and the
 * restarted process could not come back.
 */
import net from 'node:net';

const PORT_RANGE = { from: 20_000, to: 32_000 };

/** A port of PORT_RANGE free now, held open until released (so none is handed out twice). */
async function holdFreePort(): Promise<net.Server> {
  for (let attempt = 0; ; attempt++) {
    const port = PORT_RANGE.from + Math.floor(Math.random() * (PORT_RANGE.to - PORT_RANGE.from));
    try {
      return await new Promise<net.Server>((resolve, reject) => {
        const s = net.createServer();
        s.once('error', reject);
        s.listen(port, '127.0.0.1', () => resolve(s));
      });
    } catch (err) {
      if (attempt >= 200) throw new Error(`no free port between ${PORT_RANGE.from} and ${PORT_RANGE.to}`, { cause: err });
    }
  }
}

/** `count` distinct free ports, all held open at once, then released for their processes. */
export async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  for (let i = 0; i < count; i++) servers.push(await holdFreePort());
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}
