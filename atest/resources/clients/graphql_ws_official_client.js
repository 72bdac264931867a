// The graphql-ws client (graphql-transport-ws) on `ws`, against a GraphQL server.
// Usage: NODE_PATH=atest/resources/node/node_modules node graphql_ws_official_client.js <ws://host:port/graphql> <seconds to stay>
// Prints one JSON line per thing it saw; the last line is {"event": "done", ...}.
const WebSocket = require("ws");
const { createClient } = require("graphql-ws");

const [url, stay] = [process.argv[2], Number(process.argv[3] || 2)];
const log = (line) => console.log(JSON.stringify(line));
let pongs = 0;
const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: { token: "abc" },
  keepAlive: 500,
  retryAttempts: 0,
  lazy: false,
  on: {
    connected: (_socket, payload) => log({ event: "connected", payload }),
    pong: (received) => received && pongs++,
    closed: (event) => log({ event: "closed", code: event.code, reason: event.reason }),
  },
});
client.subscribe(
  { query: "subscription { greetings }", variables: { n: 2 } },
  {
    next: (result) => log({ event: "next", result }),
    error: (error) => log({ event: "error", error: String(error.message || error) }),
    complete: () => log({ event: "complete" }),
  },
);
setTimeout(async () => {
  log({ event: "done", pongs });
  await client.dispose();
  setTimeout(() => process.exit(0), 100);
}, stay * 1000);
