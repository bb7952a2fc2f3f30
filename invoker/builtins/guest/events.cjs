// node:events — the npm port of Node's EventEmitter (events@3), plus the helpers Node 20 adds.
const events = require('events/');
module.exports = events;
