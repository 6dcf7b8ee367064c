#!/bin/sh
# The TLS keeper: installs the pair nginx serves on the deployed targets into the volume both
# share, then stays up, so that a renewal is a new keeper beside the old one, never a new nginx.
# nginx reads the file at every handshake (nginx/http/tls-pair.conf); the file is replaced by a
# rename, so a handshake sees the old pair or the new, never half of one.
#   tls-keeper.sh install <file>   the pair from a file (a Swarm secret); from $TLS_PAIR when
#                                  the file is -, as the containers target hands it over
#   tls-keeper.sh check <file>     exit 0 once the installed pair is this one: the health check
set -eu
pair=/var/lib/prodstack-tls/tls.pem
action="${1:-}"
source="${2:-}"

given() {
  if [ "$source" = "-" ]; then printf '%s\n' "${TLS_PAIR:?TLS_PAIR is not set}"; else cat "$source"; fi
}

case "$action" in
  install)
    umask 077
    given > "$pair.new"
    mv -f "$pair.new" "$pair"
    echo "tls-keeper: installed the TLS pair in $pair"
    # Stopped with the image's SIGQUIT (or SIGTERM): the sleep runs in the background, so that
    # the signal is seen at once.
    trap 'exit 0' QUIT TERM INT
    while :; do
      sleep 3600 &
      wait $!
    done
    ;;
  check)
    given | cmp -s - "$pair"
    ;;
  *)
    echo "usage: tls-keeper.sh install|check <pair file, or - for TLS_PAIR>" >&2
    exit 2
    ;;
esac
