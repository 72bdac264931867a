// @microsoft/signalr (Node) against a SignalR hub, on the WebSockets transport.
// Usage: NODE_PATH=atest/resources/node/node_modules node signalr_official_client.js <http://host:port/hub> <seconds to stay> [skip,msgpack]
// With "skip" the client connects the WebSocket at once (skipNegotiation), else it
// negotiates first; "msgpack" uses the MessagePack hub protocol. Keep-alive 300 ms, server
// timeout 2 s. It invokes Hello("world") and prints the result, sends Log("fire and forget"),
// answers the hub's GetAnswer(question) (a client result), prints each Notify(...) it gets.
// Prints one JSON line per thing it saw; the last line is {"event": "done", ...}.
const signalR = require("@microsoft/signalr");

const [url, stay] = [process.argv[2], Number(process.argv[3] || 2)];
const flags = (process.argv[4] || "").split(",");
const log = (line) => console.log(JSON.stringify(line));
const options = { transport: signalR.HttpTransportType.WebSockets };
if (flags.includes("skip")) options.skipNegotiation = true;
let builder = new signalR.HubConnectionBuilder()
  .withUrl(url, options)
  .configureLogging(signalR.LogLevel.None);
if (flags.includes("msgpack")) {
  const { MessagePackHubProtocol } = require("@microsoft/signalr-protocol-msgpack");
  builder = builder.withHubProtocol(new MessagePackHubProtocol());
}
const connection = builder.build();
connection.keepAliveIntervalInMilliseconds = 300;
connection.serverTimeoutInMilliseconds = 2000;
connection.on("Notify", (...args) => log({ event: "notify", args }));
connection.on("GetAnswer", (question) => {
  log({ event: "asked", question });
  return `answer to ${question}`;
});
connection.onclose((error) => log({ event: "closed", error: error ? String(error.message) : null }));

async function main() {
  try {
    await connection.start();
  } catch (error) {
    log({ event: "start_error", message: String(error.message || error) });
    process.exit(1);
  }
  log({ event: "connect", id: connection.connectionId || null });
  try {
    log({ event: "hello", result: await connection.invoke("Hello", "world") });
  } catch (error) {
    log({ event: "hello", error: String(error.message || error) });
  }
  await connection.send("Log", "fire and forget");
  setTimeout(async () => {
    log({ event: "done", state: connection.state });
    await connection.stop();
    setTimeout(() => process.exit(0), 100);
  }, stay * 1000);
}
main();
