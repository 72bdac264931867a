#!/usr/bin/env node
// Microsoft's SignalR client (@microsoft/signalr, and @microsoft/signalr-protocol-msgpack
// for MessagePack) driving a scripted session against a hub, to check that a hub server
// speaks SignalR as the official client expects.
//
// Usage: node signalr_client.js URL [options]
//   --msgpack             use the MessagePack hub protocol (default JSON)
//   --skip-negotiation    connect the WebSocket directly (ws:// or http:// URL)
//   --token TOKEN         send it as the bearer token (accessTokenFactory)
//   --close-me ERROR      finish by invoking CloseMe(ERROR) and report the close
//   --timeout SECONDS     give up after this long (default 20)
//   --steps A,B,...       run only these steps (default all)
//
// The script invokes Echo, Add, Void and Fail, streams Counter(3), answers the hub's
// GetAnswer(question) client-result invocation, invokes Broadcast and receives its Receive
// invocation, then calls Stats and stops (or asks for a close message with --close-me).
// Every step is printed as one JSON line: {"step": NAME, "value": ...} or
// {"step": NAME, "error": MESSAGE}; a failure to connect prints {"step": "start", "error"}
// and exits 1; {"step": "closed", "error"} reports how the connection ended.
'use strict';

const path = require('path');

function load(name) {
  try {
    return require(name);
  } catch (error) {
    return require(path.join(__dirname, '..', 'node', 'node_modules', name));
  }
}

const signalR = load('@microsoft/signalr');

function parseArgs(argv) {
  const options = {
    msgpack: false, skipNegotiation: false, token: null, closeMe: null, timeout: 20, steps: null,
  };
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--msgpack') options.msgpack = true;
    else if (arg === '--skip-negotiation') options.skipNegotiation = true;
    else if (arg === '--token') options.token = argv[++i];
    else if (arg === '--close-me') options.closeMe = argv[++i];
    else if (arg === '--timeout') options.timeout = Number(argv[++i]);
    else if (arg === '--steps') options.steps = argv[++i].split(',');
    else rest.push(arg);
  }
  options.url = rest[0];
  return options;
}

function print(step, fields) {
  process.stdout.write(JSON.stringify(Object.assign({ step }, fields)) + '\n');
}

// Values as JSON can show them: bytes (MessagePack bin) as base64.
function plain(value) {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value, (key, item) => {
    if (item instanceof Uint8Array || (item && item.type === 'Buffer')) {
      return { base64: Buffer.from(item.data || item).toString('base64') };
    }
    return item;
  }));
}

let only = null;

async function step(name, action) {
  if (only && !only.includes(name)) return;
  try {
    print(name, { value: plain(await action()) });
  } catch (error) {
    print(name, { error: String(error && error.message ? error.message : error) });
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  only = options.steps;
  const connectionOptions = {};
  if (options.skipNegotiation) {
    connectionOptions.skipNegotiation = true;
    connectionOptions.transport = signalR.HttpTransportType.WebSockets;
  } else {
    connectionOptions.transport = signalR.HttpTransportType.WebSockets;
  }
  if (options.token) connectionOptions.accessTokenFactory = () => options.token;
  let builder = new signalR.HubConnectionBuilder()
    .withUrl(options.url, connectionOptions)
    .configureLogging(signalR.LogLevel.None);
  if (options.msgpack) {
    const msgpack = load('@microsoft/signalr-protocol-msgpack');
    builder = builder.withHubProtocol(new msgpack.MessagePackHubProtocol());
  }
  const connection = builder.build();
  const received = [];
  let closed;
  const closedPromise = new Promise((resolve) => { closed = resolve; });
  connection.on('Receive', (...args) => received.push(args));
  connection.on('GetAnswer', (question) => `answer to ${question}`);
  connection.onclose((error) => closed(error));

  const timer = setTimeout(() => {
    print('timeout', {});
    process.exit(3);
  }, options.timeout * 1000);

  try {
    await connection.start();
  } catch (error) {
    print('start', { error: String(error && error.message ? error.message : error) });
    process.exit(1);
  }
  print('start', { value: { connectionId: connection.connectionId, protocol: options.msgpack ? 'messagepack' : 'json' } });

  await step('Echo', () => connection.invoke('Echo', { text: 'hi', n: [1, 2.5, null, true] }));
  await step('Add', () => connection.invoke('Add', 40, 2));
  await step('Void', () => connection.invoke('Void'));
  await step('Fail', () => connection.invoke('Fail', 'it did not work'));
  await step('Missing', () => connection.invoke('NoSuchMethod'));
  await step('Counter', () => new Promise((resolve, reject) => {
    const items = [];
    connection.stream('Counter', 3, 0.01).subscribe({
      next: (item) => items.push(item),
      error: reject,
      complete: () => resolve(items),
    });
  }));
  await step('AskClient', () => connection.invoke('AskClient', 'why'));
  await step('Broadcast', async () => {
    await connection.invoke('Broadcast', 'hello', 7);
    return received;
  });
  await step('Send', () => connection.send('Echo', 'non-blocking'));
  await step('Stats', async () => {
    const stats = await connection.invoke('Stats');
    return { pings: stats.pings, targets: stats.messages.map((m) => m.target || m.type), authorization: stats.authorization };
  });

  if (options.closeMe !== null) {
    connection.invoke('CloseMe', options.closeMe).catch(() => {});
    const error = await closedPromise;
    print('closed', { error: error ? String(error.message) : null });
  } else {
    await connection.stop();
    const error = await closedPromise;
    print('closed', { error: error ? String(error.message) : null });
  }
  clearTimeout(timer);
}

main().catch((error) => {
  print('crash', { error: String(error && error.stack ? error.stack : error) });
  process.exit(2);
});
