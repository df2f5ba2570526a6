# Sourced by the test-infrastructure scripts: background processes recorded in $DIR/pids (name and PID per
# line), so that their `down` stops exactly what their `up` started and nothing else.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# spawn NAME CMD...: runs CMD in its own session, output in $DIR/NAME.log, PID recorded as NAME.
spawn() {
  local name="$1"; shift
  setsid "$@" >"$DIR/$name.log" 2>&1 < /dev/null &
  echo "$name $!" >>"$DIR/pids"
}

# The newest PID recorded as NAME.
pid_of() { awk -v n="$1" '$1 == n {print $2}' "$DIR/pids" 2>/dev/null | tail -1; }

# stop_pid PID: TERM, then KILL after 10 s.
stop_pid() {
  local pid="$1"
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
