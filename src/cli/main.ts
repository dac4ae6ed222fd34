/**
 * The `logway` command line: `logway serve` runs the gateway; every other command is a client of
 * a running gateway (--url / LOGWAY_URL, --token / LOGWAY_TOKEN) through the client generated from
 * openapi.yaml. Errors print the problem's title and detail and exit 1. Imports no server module
 * but the gateway's entry point, for `serve`.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { CliError, connect, ok, reach, type Connection } from './client.js';
import { consume } from './consume.js';
import { follow } from './follow.js';
import { produce } from './produce.js';

const program = new Command('logway')
  .description('Logway: an HTTP/WebSocket event gateway. `logway serve` runs one; the other commands talk to one.')
  .addOption(new Option('--url <url>', 'gateway URL').env('LOGWAY_URL').default('http://127.0.0.1:8080'))
  .addOption(new Option('--token <token>', 'API key or token, sent as Authorization: Bearer').env('LOGWAY_TOKEN'))
  .showHelpAfterError();

const connection = (): Connection => {
  const { url, token } = program.opts<{ url: string; token?: string }>();
  return { url, token };
};
const client = () => connect(connection());
const print = (value: unknown) => process.stdout.write(JSON.stringify(value, null, 2) + '\n');
const integer = (text: string) => {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError('must be a whole number');
  return Number(text);
};
const run = async (action: () => Promise<unknown>): Promise<void> => {
  await reach(connection(), action);
};

program
  .command('serve')
  .description('Run the gateway (settings as flags or LOGWAY_* variables; `logway serve --help` lists them)')
  .helpOption(false)
  .allowUnknownOption()
  .argument('[settings...]')
  .action(async (settings: string[]) => {
    // The gateway's entry point reads its settings from argv, as `node dist/main.js` does.
    process.argv = [process.argv[0]!, process.argv[1]!, ...settings];
    await import('../main.js');
  });

const topics = program.command('topics').description('List, create, describe and delete topics');
topics.command('list').action(() => run(async () => print(ok(await client().GET('/v1/topics')))));
topics
  .command('create <name>')
  .option('--partitions <n>', 'partition count', integer)
  .option('--retention-ms <ms>', 'delete records older than this', integer)
  .action((name: string, o: { partitions?: number; retentionMs?: number }) =>
    run(async () =>
      print(
        ok(
          await client().POST('/v1/topics', {
            body: { name, ...(o.partitions ? { partitions: o.partitions } : {}), ...(o.retentionMs ? { config: { retentionMs: o.retentionMs } } : {}) },
          }),
        ),
      ),
    ),
  );
topics.command('describe <name>').action((name: string) => run(async () => print(ok(await client().GET('/v1/topics/{topic}', { params: { path: { topic: name } } })))));
topics.command('delete <name>').action((name: string) =>
  run(async () => {
    ok(await client().DELETE('/v1/topics/{topic}', { params: { path: { topic: name } } }));
  }),
);

program
  .command('produce <topic>')
  .description('Produce stdin: one record per line (a JSON value, or text with --raw)')
  .option('--key <key>', 'key of every record')
  .option('--partition <n>', 'partition of every record', integer)
  .option('--raw', 'each line is a text value')
  .action((topic: string, o: { key?: string; partition?: number; raw?: boolean }) =>
    run(async () => {
      const summary = await produce(client(), topic, process.stdin, o);
      process.stderr.write(JSON.stringify(summary) + '\n');
    }),
  );

program
  .command('consume <topic>')
  .description('Print records as NDJSON, from a position or as a consumer group member')
  .option('--from <position>', 'earliest, latest or time:<epoch-ms> (with --group: where a new group starts)', 'earliest')
  .option('--group <group>', 'consume as a member of this consumer group (committing what is printed)')
  .option('--max <n>', 'stop after this many records', integer)
  .option('--follow', 'keep streaming new records over the WebSocket (Ctrl-C stops; a group member commits what it printed and leaves its group)')
  .action((topic: string, o: { from: string; group?: string; max?: number; follow?: boolean }) =>
    run(async () => {
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      process.once('SIGTERM', () => stop.abort());
      const options = { ...o, signal: stop.signal, write: (line: string) => process.stdout.write(line + '\n') };
      await (o.follow ? follow(connection(), topic, options) : consume(client(), topic, options));
    }),
  );

const groups = program.command('groups').description('List, describe and reset consumer groups');
groups.command('list').action(() => run(async () => print(ok(await client().GET('/v1/groups')))));
groups.command('describe <group>').action((group: string) => run(async () => print(ok(await client().GET('/v1/groups/{group}', { params: { path: { group } } })))));
groups
  .command('reset <group>')
  .description('Move an empty group to earliest, latest, a time or an offset')
  .requiredOption('--to <position>', 'earliest, latest, time:<epoch-ms> or offset:<n>')
  .option('--topic <topic...>', 'only these topics')
  .action((group: string, o: { to: string; topic?: string[] }) =>
    run(async () => {
      const [kind, value] = o.to.split(':');
      const to =
        kind === 'time' ? { to: 'timestamp' as const, timestamp: integer(value ?? '') }
        : kind === 'offset' ? { to: 'offset' as const, offset: integer(value ?? '') }
        : kind === 'earliest' || kind === 'latest' ? { to: kind as 'earliest' | 'latest' }
        : undefined;
      if (!to) throw new CliError(`--to ${o.to}: expected earliest, latest, time:<epoch-ms> or offset:<n>`);
      print(ok(await client().POST('/v1/groups/{group}/offsets/reset', { params: { path: { group } }, body: { ...to, ...(o.topic ? { topics: o.topic } : {}) } })));
    }),
  );

program.parseAsync().catch((err: unknown) => {
  process.stderr.write(`logway: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
