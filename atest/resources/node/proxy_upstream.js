// A plain Node `ws` server for the proxy's acceptance tests.
//
//   node proxy_upstream.js --port-file FILE
//
// It listens on a free port of 127.0.0.1 (any path) and writes {"port": N} to FILE once it
// listens. Each client is greeted with {"type": "hello", "path": <path and query>,
// "protocol": <subprotocol>, "agent": <its User-Agent>, "host": <its Host header>}; each
// text message is answered with "node got: " + the text, each binary one with the same
// bytes; "close me" closes with 4002 "node done"; "pings please" starts a WebSocket ping
// every 200 ms, and a client that misses two is dropped (terminate, no close frame). The
// close code and reason a client sends are answered by a text message to every other
// client: {"type": "closed", "code", "reason"}.
'use strict';

const fs = require('fs');
const path = require('path');
const { WebSocketServer } = require('ws');

function option(name) {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const server = new WebSocketServer({
  host: '127.0.0.1',
  port: 0,
  handleProtocols: (protocols) => (protocols.size ? [...protocols][0] : false),
});

server.on('connection', (socket, request) => {
  socket.send(JSON.stringify({
    type: 'hello',
    path: request.url,
    protocol: socket.protocol,
    agent: request.headers['user-agent'] || null,
    host: request.headers.host,
    token: request.headers['x-token'] || null,
  }));
  socket.on('message', (data, isBinary) => {
    if (isBinary) { socket.send(data, { binary: true }); return; }
    const text = data.toString('utf8');
    if (text === 'close me') { socket.close(4002, 'node done'); return; }
    if (text === 'pings please') {
      let missed = 0;
      socket.on('pong', () => { missed = 0; });
      const timer = setInterval(() => {
        if (missed >= 2) { clearInterval(timer); socket.terminate(); return; }
        missed += 1;
        socket.ping();
      }, 200);
      socket.on('close', () => clearInterval(timer));
    }
    socket.send(`node got: ${text}`);
  });
  socket.on('close', (code, reason) => {
    for (const other of server.clients) {
      if (other !== socket) other.send(JSON.stringify({ type: 'closed', code, reason: reason.toString() }));
    }
  });
});

server.on('listening', () => {
  const portFile = option('--port-file');
  const temporary = `${portFile}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify({ port: server.address().port }));
  fs.renameSync(temporary, path.resolve(portFile));
});

process.on('SIGTERM', () => process.exit(0));
