#!/bin/sh
# As the official image does: a redis-server started without a config file is in protected mode
# and refuses every client that is not on loopback, which in a container is every client.
if [ "${1:-}" = redis-server ]; then
  shift
  set -- redis-server --protected-mode no "$@"
fi
exec "$@"
