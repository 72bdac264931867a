// The reference graphql-transport-ws server (the graphql-ws library) for the acceptance
// tests, serving the same schema as servers/strawberry_app.py so one set of tests runs
// against both.
//
//   node graphql_ws_server.js --port-file FILE [--ping-interval SECONDS]
//
// It listens on a free port of 127.0.0.1 at /graphql and writes {"port": N} to FILE once it
// accepts connections. With --ping-interval it also sends a protocol `ping` message every
// SECONDS and closes a client that has not answered with `pong` by the next one (4408),
// so a client that leaves keep-alives to the test is found out; the `pongs` query tells a
// client how many of its pongs arrived.
//
// Packages come from this folder's node_modules (run it with cwd or NODE_PATH here).

'use strict';

const fs = require('fs');
const path = require('path');
const { WebSocketServer } = require('ws');
const { useServer } = require('graphql-ws/use/ws');
const { buildSchema } = require('graphql');

const TOKEN = 'letmein';

const schema = buildSchema(`
  type Item { id: Int!, name: String! }
  type Query { hello(name: String = "world"): String!, pongs: Int! }
  type Mutation { addItem(name: String!): Item! }
  type Subscription { count(to: Int = 3, delay: Float = 0): Int!, failing(after: Int = 1): Int! }
`);

const sleep = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const pongCounts = new WeakMap();
let itemIds = 0;

// With buildSchema, root fields resolve from the root value; a subscription field's function
// returns the async iterator, and each event is an object holding the field's value.
const rootValue = {
  hello: ({ name }) => `Hello, ${name}!`,
  pongs: (_args, context) => pongCounts.get(context.socket) || 0,
  addItem: ({ name }) => ({ id: ++itemIds, name }),
  count: async function* ({ to, delay }) {
    for (let value = 1; value <= to; value++) {
      await sleep(delay);
      yield { count: value };
    }
  },
  failing: async function* ({ after }) {
    for (let value = 1; value <= after; value++) {
      yield { failing: value };
    }
    throw new Error('boom');
  },
};

function option(name, fallback) {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : fallback;
}

function keepAlive(socket, seconds) {
  let answered = true;
  socket.on('message', (data) => {
    try {
      if (JSON.parse(String(data)).type === 'pong') {
        answered = true;
        pongCounts.set(socket, (pongCounts.get(socket) || 0) + 1);
      }
    } catch (error) {
      // Malformed input is the graphql-ws server's to answer; it closes with 4400.
    }
  });
  const timer = setInterval(() => {
    if (!answered) {
      socket.close(4408, 'pong not received');
      return;
    }
    answered = false;
    socket.send(JSON.stringify({ type: 'ping' }));
  }, seconds * 1000);
  socket.on('close', () => clearInterval(timer));
}

function main() {
  const portFile = option('--port-file');
  const pingInterval = Number(option('--ping-interval', '0'));
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/graphql' });
  useServer(
    {
      schema,
      roots: { query: rootValue, mutation: rootValue, subscription: rootValue },
      context: (ctx) => ({ socket: ctx.extra.socket }),
      onConnect: (ctx) => {
        const params = ctx.connectionParams;
        if (!params || !('token' in params)) return true;
        if (params.token !== TOKEN) return false;
        return { user: params.user || 'anonymous' };
      },
    },
    server,
  );
  if (pingInterval > 0) {
    server.on('connection', (socket) => keepAlive(socket, pingInterval));
  }
  server.on('listening', () => {
    // Write, then rename: whoever waits for the file never reads it half written.
    const temporary = `${portFile}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify({ port: server.address().port }));
    fs.renameSync(temporary, path.resolve(portFile));
  });
  // Stopping closes the clients as a server going away would, then exits without waiting
  // for them to answer: the test run that stops this server is moving on.
  const stop = () => {
    for (const client of server.clients) client.close(1001, 'server stopping');
    setTimeout(() => process.exit(0), 100);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
