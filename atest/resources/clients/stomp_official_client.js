// @stomp/stompjs 7 on `ws`, against a STOMP server.
// Usage: NODE_PATH=atest/resources/node/node_modules node stomp_official_client.js <ws://host:port/ws> <seconds to stay>
// Prints one JSON line per thing it saw; the last line is {"event": "done", ...}.
const WebSocket = require("ws");
const { Client } = require("@stomp/stompjs");

const [url, stay] = [process.argv[2], Number(process.argv[3] || 2)];
const log = (line) => console.log(JSON.stringify(line));
const beats = { sent: 0, received: 0 };
const client = new Client({
  webSocketFactory: () => new WebSocket(url, ["v12.stomp", "v11.stomp", "v10.stomp"]),
  connectHeaders: { login: "guest", passcode: "secret", host: "/" },
  heartbeatIncoming: 500,
  heartbeatOutgoing: 500,
  reconnectDelay: 0,
  debug: (text) => {
    if (text.startsWith(">>> PING")) beats.sent++;
    if (text.startsWith("<<< PONG")) beats.received++;
  },
});
client.onConnect = (frame) => {
  log({ event: "connected", headers: frame.headers });
  client.subscribe(
    "/topic/news",
    (message) => {
      log({ event: "message", headers: message.headers, body: message.body });
      message.ack();
    },
    { ack: "client-individual" },
  );
  client.watchForReceipt("r-1", (frame) => log({ event: "receipt", headers: frame.headers }));
  client.publish({
    destination: "/queue/orders",
    body: JSON.stringify({ id: 7 }),
    headers: { "content-type": "application/json", receipt: "r-1" },
  });
};
client.onStompError = (frame) => log({ event: "error", headers: frame.headers, body: frame.body });
client.onWebSocketClose = (event) => log({ event: "closed", code: event.code });
client.activate();
setTimeout(async () => {
  log({ event: "done", connected: client.connected, beats });
  await client.deactivate();
  setTimeout(() => process.exit(0), 100);
}, stay * 1000);
