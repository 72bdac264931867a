// The benchmark's official-client publisher: mqtt.js or socket.io-client sends COUNT
// 100-byte messages as fast as it can, then one that is acknowledged (MQTT QoS 1, a
// Socket.IO ack), and prints {"seconds": ...} from the first send to that acknowledgement.
// Usage: node mock_publisher.js mqtt|sio <url> <count> [user] [password]
const [kind, url, count, user, password] = process.argv.slice(2);
const n = Number(count);
const body = JSON.stringify({ type: "reading", pad: "x".repeat(70) });
const done = (started) => {
  console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, count: n }));
  process.exit(0);
};
if (kind === "mqtt") {
  const mqtt = require("mqtt");
  // Without permessage-deflate, which the mock server offers and mosquitto does not: the
  // client's compression of each small frame would be measured, not the server.
  const wsOptions = { perMessageDeflate: false };
  const client = mqtt.connect(url, { username: user, password, reconnectPeriod: 0, protocolVersion: 4, wsOptions });
  client.on("error", (error) => { console.error(error.message); process.exit(1); });
  client.on("connect", () => {
    const started = performance.now();
    for (let i = 0; i < n; i++) client.publish("bench/in", body, { qos: 0 });
    client.publish("bench/done", "done", { qos: 1 }, () => done(started));
  });
} else {
  const { io } = require("socket.io-client");
  const socket = io(url, { transports: ["websocket"], reconnection: false });
  socket.on("connect_error", (error) => { console.error(error.message); process.exit(1); });
  socket.on("connect", () => {
    const started = performance.now();
    for (let i = 0; i < n; i++) socket.emit("reading", body);
    socket.emit("echo", "done", () => done(started));
  });
}
