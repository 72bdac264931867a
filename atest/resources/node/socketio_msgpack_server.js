// A socket.io 4 server speaking socket.io-msgpack-parser, for the acceptance tests of
// protocol=socketio with binary_format=msgpack.
//
//   node socketio_msgpack_server.js --port-file FILE [--ping-interval MS] [--ping-timeout MS]
//
// It listens on a free port of 127.0.0.1 and writes {"port": N} to FILE once it accepts
// connections. On connect it emits `greet` with the client's auth and the namespace; an
// `echo` event is acknowledged with its arguments (Buffers stay Buffers); `shout` makes the
// server emit `shouted` with the arguments; `pongs` is acknowledged with the number of
// Engine.IO pongs the client has sent. The /admin namespace refuses every client.
//
// Packages come from this folder's node_modules (run it with cwd or NODE_PATH here).

'use strict';

const fs = require('fs');
const http = require('http');
const { Server } = require('socket.io');
const parser = require('socket.io-msgpack-parser');

const option = (name, fallback) => {
  const index = process.argv.indexOf(name);
  return index === -1 ? fallback : process.argv[index + 1];
};
const portFile = option('--port-file');
const pingInterval = Number(option('--ping-interval', 25000));
const pingTimeout = Number(option('--ping-timeout', 20000));

const server = http.createServer();
const io = new Server(server, { parser, transports: ['websocket'], pingInterval, pingTimeout });

io.on('connection', (socket) => {
  let pongs = 0;
  socket.conn.on('packet', (packet) => {
    if (packet.type === 'pong') pongs += 1;
  });
  socket.emit('greet', { auth: socket.handshake.auth, nsp: socket.nsp.name });
  socket.on('echo', (...args) => {
    const callback = typeof args[args.length - 1] === 'function' ? args.pop() : null;
    if (callback) callback(...args);
  });
  socket.on('shout', (...args) => socket.emit('shouted', ...args));
  socket.on('pongs', (callback) => callback(pongs));
});
io.of('/admin').use((socket, next) => next(new Error('admins only')));

server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(portFile, JSON.stringify({ port: server.address().port }));
});
process.on('SIGTERM', () => process.exit(0));
