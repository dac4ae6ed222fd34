#!/bin/bash
# The image's HEALTHCHECK: GET /readyz through bash's /dev/tcp; exit 0 on 200, else 1 with the
# reason (`docker inspect` shows it). bash is in the image already, and one short bash costs
# ~10 ms CPU and ~3 MB, where a node probe costs ~0.25 s CPU and ~55 MB at every interval.
# The gateway listens on LOGWAY_PORT, else PORT, else 8080; a LOGWAY_PORT that is not a number
# is a Kubernetes/Docker service-link variable (tcp://host:port), which the gateway ignores.
port=${LOGWAY_PORT:-}
[[ $port =~ ^[0-9]+$ ]] || port=${PORT:-8080}
{ exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || { echo "readyz: nothing listening on port $port"; exit 1; }
printf 'GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
IFS= read -r -t 2 status <&3 || { echo "readyz: no answer on port $port"; exit 1; }
status=${status%$'\r'}
[[ $status == "HTTP/1."[01]" 200 "* ]] || { echo "readyz: $status"; exit 1; }
