#!/usr/bin/env node
// A scripted WebSocket client on the `ws` package, for the mock server's acceptance tests.
//
// Usage: node node_client.js URL [options]
//   --protocol NAME        offer a subprotocol (repeatable)
//   --header "Name: value" send a header with the upgrade request (repeatable)
//   --ca FILE              trust this CA bundle for wss://
//   --send TEXT            send a text message once open (repeatable, sent in order)
//   --send-binary BASE64   send a binary message once open (in order with --send)
//   --echo PREFIX          answer each text message with PREFIX + the text, each binary one
//                          with the same bytes
//   --close-on TEXT        close when a text message equal to TEXT arrives, with
//   --close-code CODE      this code (default 1000) and
//   --close-reason TEXT    this reason (default empty)
//   --timeout SECONDS      give up after this long (default 30)
//
// Every event is printed on stdout as one JSON line: {"event": "open", "subprotocol"},
// {"event": "message", "type": "text"|"binary", "data"} (binary data as base64),
// {"event": "close", "code", "reason"}, {"event": "error", "message"},
// {"event": "timeout"}. The process exits when the connection closes: 0 after a close
// that followed an open, 1 when it never opened, 3 on timeout.
'use strict';

const fs = require('fs');
const path = require('path');

// The tests' Node packages live in atest/resources/node; resolve `ws` from there whatever
// the working directory, unless NODE_PATH already provides it.
function loadWs() {
  try {
    return require('ws');
  } catch (error) {
    const nodeModules = path.join(__dirname, '..', 'node', 'node_modules', 'ws');
    return require(nodeModules);
  }
}

function parseArgs(argv) {
  const options = {
    url: null,
    protocols: [],
    headers: {},
    ca: null,
    outgoing: [],
    echo: null,
    closeOn: null,
    closeCode: 1000,
    closeReason: '',
    timeout: 30,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = () => {
      i += 1;
      if (i >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[i];
    };
    switch (arg) {
      case '--protocol': options.protocols.push(value()); break;
      case '--header': {
        const header = value();
        const colon = header.indexOf(':');
        if (colon < 1) throw new Error(`bad header: ${header}`);
        options.headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
        break;
      }
      case '--ca': options.ca = value(); break;
      case '--send': options.outgoing.push({ binary: false, data: value() }); break;
      case '--send-binary':
        options.outgoing.push({ binary: true, data: Buffer.from(value(), 'base64') });
        break;
      case '--echo': options.echo = value(); break;
      case '--close-on': options.closeOn = value(); break;
      case '--close-code': options.closeCode = Number(value()); break;
      case '--close-reason': options.closeReason = value(); break;
      case '--timeout': options.timeout = Number(value()); break;
      default:
        if (arg.startsWith('--') || options.url !== null) throw new Error(`unexpected argument: ${arg}`);
        options.url = arg;
    }
  }
  if (options.url === null) throw new Error('a URL is required');
  return options;
}

function report(event) {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const WebSocket = loadWs();
  const clientOptions = { headers: options.headers };
  if (options.ca) clientOptions.ca = fs.readFileSync(options.ca);
  const socket = new WebSocket(options.url, options.protocols, clientOptions);
  let opened = false;

  const timer = setTimeout(() => {
    report({ event: 'timeout' });
    socket.terminate();
    process.exitCode = 3;
    // Output is flushed before exiting, so the test sees the timeout line.
    process.stdout.write('', () => process.exit(3));
  }, options.timeout * 1000);

  socket.on('open', () => {
    opened = true;
    report({ event: 'open', subprotocol: socket.protocol });
    for (const message of options.outgoing) socket.send(message.data, { binary: message.binary });
  });
  socket.on('message', (data, isBinary) => {
    if (isBinary) {
      report({ event: 'message', type: 'binary', data: Buffer.from(data).toString('base64') });
      if (options.echo !== null) socket.send(data, { binary: true });
      return;
    }
    const text = data.toString('utf8');
    report({ event: 'message', type: 'text', data: text });
    if (options.closeOn !== null && text === options.closeOn) {
      socket.close(options.closeCode, options.closeReason);
    } else if (options.echo !== null) {
      socket.send(options.echo + text);
    }
  });
  socket.on('error', (error) => {
    report({ event: 'error', message: error.message });
  });
  socket.on('close', (code, reason) => {
    clearTimeout(timer);
    report({ event: 'close', code, reason: reason.toString('utf8') });
    process.exitCode = opened ? 0 : 1;
  });
}

try {
  main();
} catch (error) {
  report({ event: 'error', message: error.message });
  process.exitCode = 2;
}
