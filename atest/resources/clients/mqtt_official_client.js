// mqtt.js 5 (MQTT 3.1.1 over WebSocket) against an MQTT server.
// Usage: NODE_PATH=atest/resources/node/node_modules node mqtt_official_client.js <ws://host:port/mqtt> <seconds to stay> [client id]
// Prints one JSON line per thing it saw; the last line is {"event": "done", ...}.
const mqtt = require("mqtt");

const [url, stay, clientId] = [process.argv[2], Number(process.argv[3] || 2), process.argv[4] || "dev-1"];
const log = (line) => console.log(JSON.stringify(line));
const pings = { sent: 0, answered: 0 };
const client = mqtt.connect(url, {
  clientId,
  username: "device",
  password: "secret",
  keepalive: 1,
  protocolVersion: 4,
  reconnectPeriod: 0,
});
client.on("packetsend", (packet) => packet.cmd === "pingreq" && pings.sent++);
client.on("packetreceive", (packet) => packet.cmd === "pingresp" && pings.answered++);
client.on("connect", (connack) => {
  log({ event: "connect", sessionPresent: connack.sessionPresent, code: connack.returnCode });
  client.subscribe({ "dev/+/cmd": { qos: 2 }, "all/#": { qos: 1 } }, (error, granted) =>
    log({ event: "suback", error: error && error.message, granted }),
  );
  for (const qos of [0, 1, 2]) {
    client.publish("dev/1/up", JSON.stringify({ qos }), { qos }, (error) =>
      log({ event: "published", qos, error: error && error.message }),
    );
  }
});
client.on("message", (topic, payload, packet) =>
  log({ event: "message", topic, payload: payload.toString(), qos: packet.qos }),
);
client.on("error", (error) => log({ event: "error", message: error.message }));
client.on("close", () => log({ event: "closed" }));
setTimeout(() => {
  log({ event: "done", connected: client.connected, pings });
  client.end(false, () => setTimeout(() => process.exit(0), 100));
}, stay * 1000);
