// Apollo's legacy client (subscriptions-transport-ws, subprotocol graphql-ws) on `ws`,
// against a GraphQL server.
// Usage: NODE_PATH=atest/resources/node/node_modules node graphql_ws_legacy_official_client.js <ws://host:port/graphql> <seconds to stay> [<ka timeout ms>]
// The client drops a server that sends no `ka` within <ka timeout ms> (30000 by default) of the last one.
// Prints one JSON line per thing it saw; the last line is {"event": "done", ...}.
const WebSocket = require("ws");
const { SubscriptionClient } = require("subscriptions-transport-ws");

const [url, stay, timeout] = [process.argv[2], Number(process.argv[3] || 2), Number(process.argv[4] || 30000)];
const log = (line) => console.log(JSON.stringify(line));
let kas = 0;
let disconnected = false;
// The client reads keep-alives without a word: its socket counts them.
class CountingWebSocket extends WebSocket {
  constructor(...args) {
    super(...args);
    this.on("message", (data) => {
      try {
        if (JSON.parse(String(data)).type === "ka") kas++;
      } catch {
        // Not JSON: the client itself reports it.
      }
    });
  }
}
const client = new SubscriptionClient(
  url,
  { connectionParams: { token: "abc", user: "robot" }, timeout, reconnect: false, lazy: false },
  CountingWebSocket,
);
client.onConnected((payload) => log({ event: "connected", payload }));
client.onDisconnected(() => {
  disconnected = true;
  log({ event: "disconnected", kas });
});
client.onError((error) => log({ event: "socket-error", error: String(error.message || error) }));
client.request({ query: "subscription Greetings($n: Int) { greetings(n: $n) }", variables: { n: 2 } }).subscribe({
  next: (result) => log({ event: "data", result }),
  error: (error) => log({ event: "error", error: String(error.message || JSON.stringify(error)) }),
  complete: () => log({ event: "complete" }),
});
setTimeout(() => {
  log({ event: "done", kas, disconnected });
  client.close();
  setTimeout(() => process.exit(0), 100);
}, stay * 1000);
