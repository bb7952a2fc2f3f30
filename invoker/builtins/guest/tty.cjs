// node:tty — a function has no terminal: isatty() is false for every descriptor, as for Node's
// output piped to OpenWhisk's log collector (colour libraries read this).
class WriteStream {
  constructor() { this.isTTY = false; }
  getColorDepth() { return 1; }
  hasColors() { return false; }
}
class ReadStream {
  constructor() { this.isTTY = false; }
  setRawMode() { return this; }
}
module.exports = { isatty: () => false, ReadStream, WriteStream };
