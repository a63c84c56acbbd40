#!/usr/bin/env bash
# `make run`: the web app, a Celery worker and beat in one terminal, on the development defaults.
# Ctrl-C (or TERM) stops all three, waits for them and says so; so does one of them dying.
# Background jobs of a script ignore the terminal's Ctrl-C, so each is stopped exactly once, here.
set -u
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
pids=()

stop() {
  trap '' INT TERM
  echo
  echo "正在停止网页服务、Celery worker 和 beat……"
  kill -TERM "${pids[@]}" 2>/dev/null
  wait "${pids[@]}" 2>/dev/null
  echo "已全部停止。"
  exit 0
}
trap stop INT TERM

"$BIN/celery" -A reform worker --loglevel=WARNING --pool=solo --concurrency=1 &
pids+=($!)
"$BIN/celery" -A reform beat --loglevel=WARNING &
pids+=($!)
"$BIN/python" manage.py runserver "$HOST:$PORT" &
pids+=($!)
echo "督办台账: http://$HOST:$PORT/  (Ctrl-C 停止)"
wait -n
stop
