// socket.io-client 4 against a Socket.IO server, on the WebSocket transport only.
// Usage: NODE_PATH=atest/resources/node/node_modules node socketio_official_client.js <ws://host:port> <seconds to stay> [msgpack]
// With "msgpack" it speaks socket.io-msgpack-parser.
// Prints one JSON line per thing it saw; the last line is {"event": "done", ...}.
const { io } = require("socket.io-client");

const [url, stay] = [process.argv[2], Number(process.argv[3] || 2)];
const log = (line) => console.log(JSON.stringify(line));
const socket = io(`${url}/chat`, {
  transports: ["websocket"],
  auth: { token: "abc" },
  reconnection: false,
  ...(process.argv[4] === "msgpack" ? { parser: require("socket.io-msgpack-parser") } : {}),
});
let pings = 0;
socket.io.on("ping", () => pings++);
socket.on("connect", () => {
  log({ event: "connect", id: socket.id });
  socket.emit("hello", "world", { n: 1 }, (answer) => log({ event: "ack", answer }));
  socket.emit("plain", [1, 2]);
});
socket.on("news", (...args) => log({ event: "news", args }));
socket.on("ask", (question, callback) => {
  log({ event: "ask", question });
  callback({ ok: true, question });
});
socket.on("connect_error", (error) => log({ event: "connect_error", message: error.message }));
socket.on("disconnect", (reason) => log({ event: "disconnect", reason }));
setTimeout(() => {
  log({ event: "done", connected: socket.connected, pings });
  socket.disconnect();
  setTimeout(() => process.exit(0), 100);
}, stay * 1000);
