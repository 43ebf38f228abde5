#!/bin/sh
# NetPilot router-side tunnel supervisor, protocol version 1 (see docs/router-protocol.md).
#
#   netpilot-tunnel-v1.sh TOKEN RELAY_USER RELAY_HOST RELAY_PORT REMOTE_PORT TARGET_PORT [CLIENT]
#       keeps `-R 127.0.0.1:REMOTE_PORT:127.0.0.1:TARGET_PORT` to RELAY_USER@RELAY_HOST:RELAY_PORT up
#       until the lease in WORK/TOKEN.lease lapses, WORK/TOKEN.stop appears, or TERM/INT/HUP arrives.
#       CLIENT is auto (default), autossh, ssh or dbclient.
#   netpilot-tunnel-v1.sh key [CLIENT]
#       makes the router's key pair WORK/id_router (OpenSSH form) and WORK/id_router.dropbear
#       (dropbear form) if missing and prints the public key line.
#
# WORK is the directory this script lives in. POSIX sh: runs under dash and busybox ash.
# Everything here is plain text on purpose: a technician may read it on the router.

umask 077
# The router's own tools first (busybox on OpenWrt); the usual system dirs as a fallback.
PATH=$PATH:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
WORK=$(cd "$(dirname "$0")" && pwd) || exit 2
KEY="$WORK/id_router"
DKEY="$WORK/id_router.dropbear"

die() {
    echo "netpilot-tunnel: $*" >&2
    exit 2
}

have() {
    command -v "$1" >/dev/null 2>&1
}

# Which client runs the tunnel: the hint when it is usable, else autossh, ssh, dbclient in that order.
choose_client() {
    case $1 in
        autossh) have autossh && have ssh && { echo autossh; return; } ;;
        ssh) have ssh && { echo ssh; return; } ;;
        dbclient) have dbclient && { echo dbclient; return; } ;;
        auto | '') ;;
        *) die "unknown client kind '$1' (use auto, autossh, ssh or dbclient)" ;;
    esac
    case $1 in auto | '') ;; *) die "client '$1' is not installed on this router" ;; esac
    if have autossh && have ssh; then
        echo autossh
    elif have ssh; then
        echo ssh
    elif have dbclient; then
        echo dbclient
    else
        die "no SSH client on this router: install openssh-client, autossh or dropbear's dbclient"
    fi
}

# Makes sure the key in the format CLIENT reads exists: made by the matching tool, or converted
# from the other format with dropbearconvert.
ensure_key_for() {
    case $1 in
        dbclient)
            [ -s "$DKEY" ] && return 0
            if [ -s "$KEY" ] && have dropbearconvert; then
                dropbearconvert openssh dropbear "$KEY" "$DKEY" >/dev/null 2>&1 && return 0
            fi
            if [ ! -s "$KEY" ] && have dropbearkey; then
                dropbearkey -t ed25519 -f "$DKEY" >/dev/null 2>&1 && return 0
            fi
            ;;
        *)
            [ -s "$KEY" ] && return 0
            if [ -s "$DKEY" ] && have dropbearconvert; then
                dropbearconvert dropbear openssh "$DKEY" "$KEY" >/dev/null 2>&1 && return 0
            fi
            if [ ! -s "$DKEY" ] && have ssh-keygen; then
                ssh-keygen -q -t ed25519 -N '' -C netpilot-router -f "$KEY" </dev/null >/dev/null 2>&1 && return 0
            fi
            ;;
    esac
    return 1
}

# Prints the router's public key line; makes the key pair first when there is none.
key_mode() {
    client=$(choose_client "${1:-auto}") || exit 2
    mkdir -p "$WORK" || die "cannot create $WORK"
    ensure_key_for "$client" || die "cannot make a key pair for $client: install ssh-keygen, dropbearkey or dropbearconvert"
    # Both formats when the converter is here, so that any client can be chosen later.
    if have dropbearconvert; then
        ensure_key_for ssh || true
        ensure_key_for dbclient || true
    fi
    if [ -s "$KEY.pub" ]; then
        cat "$KEY.pub"
        return
    fi
    if [ -s "$KEY" ] && have ssh-keygen; then
        pub=$(ssh-keygen -y -f "$KEY") || die "cannot read $KEY"
    elif [ -s "$DKEY" ] && have dropbearkey; then
        pub=$(dropbearkey -y -f "$DKEY" | grep '^ssh-') || die "cannot read $DKEY"
    else
        die "no tool to read the router key's public half: install ssh-keygen or dropbearkey"
    fi
    # Keep the type and base64 only; a comment could carry anything.
    set -- $pub
    echo "$1 $2" >"$KEY.pub.tmp" && mv -f "$KEY.pub.tmp" "$KEY.pub"
    cat "$KEY.pub"
}

if [ "${1:-}" = key ]; then
    key_mode "${2:-auto}"
    exit 0
fi

[ $# -ge 6 ] || die "usage: $0 TOKEN RELAY_USER RELAY_HOST RELAY_PORT REMOTE_PORT TARGET_PORT [auto|autossh|ssh|dbclient]"
TOKEN=$1 RUSER=$2 RHOST=$3 RPORT=$4 REMOTE=$5 TARGET=$6 HINT=${7:-auto}
echo "$TOKEN" | grep -Eq '^np_[0-9a-f]{8}_[0-9]{1,5}_[0-9a-z]{6}$' || die "not a cleanup token: $TOKEN"
for p in "$RPORT" "$REMOTE" "$TARGET"; do
    case $p in '' | *[!0-9]*) die "not a port: $p" ;; esac
    [ "$p" -ge 1 ] && [ "$p" -le 65535 ] || die "not a port: $p"
done
echo "$RUSER" | grep -Eq '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$' || die "not a user name: $RUSER"
echo "$RHOST" | grep -Eq '^[A-Za-z0-9.:-]+$' || die "not a host: $RHOST"

PIDF="$WORK/$TOKEN.pid"
LEASEF="$WORK/$TOKEN.lease"
LOG="$WORK/$TOKEN.log"
STOPF="$WORK/$TOKEN.stop"
TD="$WORK/$TOKEN.d"
LOG_MAX=65536
LOG_KEEP=16384

exec </dev/null >>"$LOG" 2>&1

log() {
    echo "$(date '+%Y-%m-%dT%H:%M:%S%z') [$$] $*"
}

# Keeps the log bounded: cut it in place to its last LOG_KEEP bytes (writers append, so they follow).
trim_log() {
    size=$(wc -c <"$LOG" 2>/dev/null) || return 0
    if [ "${size:-0}" -gt "$LOG_MAX" ]; then
        tail -c "$LOG_KEEP" "$LOG" >"$LOG.tmp" 2>/dev/null && cat "$LOG.tmp" >"$LOG"
        rm -f "$LOG.tmp"
        log "log cut to its last $LOG_KEEP bytes"
    fi
}

# Alive and not a zombie (the supervisor reaps its client only in `wait`).
alive() {
    [ -r "/proc/$1/stat" ] || { kill -0 "$1" 2>/dev/null; return; }
    read -r st <"/proc/$1/stat" 2>/dev/null || return 1
    case ${st##*') '} in Z* | X*) return 1 ;; esac
    return 0
}

# PID and all its descendants, parents first, from /proc/<pid>/status.
tree() {
    for d in /proc/[0-9]*; do
        pp=
        { while read -r k v; do
            if [ "$k" = PPid: ]; then pp=$v; break; fi
        done <"$d/status"; } 2>/dev/null
        [ -n "$pp" ] && echo "${d#/proc/} $pp"
    done | awk -v root="$1" '
        { kids[$2] = kids[$2] " " $1 }
        END {
            n = 1; q[1] = root; out = ""
            for (i = 1; i <= n; i++) {
                out = out " " q[i]
                c = split(kids[q[i]], a, " ")
                for (j = 1; j <= c; j++) q[++n] = a[j]
            }
            print out
        }'
}

# Ends the client and everything it started (autossh and its ssh): TERM, up to 3 s grace, KILL.
stop_client() {
    [ -n "${CPID:-}" ] || return 0
    pids=$(tree "$CPID")
    log "stopping client tree:$pids"
    kill -TERM $pids 2>/dev/null
    i=0
    while [ $i -lt 30 ]; do
        left=
        for p in $pids; do alive "$p" && left="$left $p"; done
        [ -z "$left" ] && break
        sleep 0.1 2>/dev/null || sleep 1
        i=$((i + 1))
    done
    [ -n "${left:-}" ] && { log "KILL:$left"; kill -KILL $left 2>/dev/null; }
    wait "$CPID" 2>/dev/null
    CPID=
}

finish() {
    log "stopping: $1"
    [ -n "${SPID:-}" ] && kill "$SPID" 2>/dev/null # the look's sleep, when a signal cut it short
    stop_client
    rm -f "$PIDF"
    exit "$2"
}

trap 'finish "signal TERM" 143' TERM
trap 'finish "signal INT" 130' INT
trap 'finish "signal HUP" 129' HUP

# The supervisor looks once a second for the tunnel's whole life, so a look forks as little as it can: no
# command substitution, and the clock is read (a fork of date), and the log's size, only every CLOCK_EVERY looks; between
# reads NOW counts the seconds slept, which is never ahead of the clock (a look takes a second or more),
# so a lease never ends early and ends at most a few tenths of a second per look late.
CLOCK_EVERY=5
looks=0
read_clock() {
    NOW=$(date +%s)
    looks=0
}
tick() {
    looks=$((looks + 1))
    if [ $looks -ge $CLOCK_EVERY ]; then read_clock; else NOW=$((NOW + 1)); fi
}

# A look's second: sleeps in the background and waits for it, so the client's exit ends the wait at
# once (a trapped SIGCHLD makes dash's and busybox ash's wait return; bash waits the second out, as a
# plain sleep did) and a dropped connection is retried without waiting out the look. Forks only the
# sleep, as before. A second slept whole is counted; after a short one the clock is read instead, so
# NOW is never ahead of the clock.
trap ': ' CHLD
SPID=
nap() {
    sleep 1 &
    SPID=$!
    wait "$SPID"
    if alive "$SPID"; then
        kill "$SPID" 2>/dev/null
        wait "$SPID" 2>/dev/null
        SPID=
        read_clock
    else
        SPID=
        tick
    fi
}

# Sets REASON to why the tunnel must end now, or to nothing.
check_end() {
    REASON=
    [ -e "$STOPF" ] && { REASON="stop requested"; return; }
    lease=
    [ -r "$LEASEF" ] && read -r lease <"$LEASEF"
    case $lease in '' | *[!0-9]*) REASON="no valid lease in $LEASEF"; return ;; esac
    [ "$NOW" -ge "$lease" ] && REASON="lease lapsed at $lease"
    return 0
}

# One supervisor per token.
if [ -s "$PIDF" ]; then
    read -r old <"$PIDF"
    if [ -n "$old" ] && [ "$old" != $$ ] && alive "$old" && grep -q "$TOKEN" "/proc/$old/cmdline" 2>/dev/null; then
        log "another supervisor ($old) already runs this tunnel; leaving it"
        exit 3
    fi
fi
echo $$ >"$PIDF.tmp" && mv -f "$PIDF.tmp" "$PIDF" || die "cannot write $PIDF"

CLIENT=$(choose_client "$HINT") || finish "no usable SSH client" 2
mkdir -p "$TD/home/.ssh" || finish "cannot create $TD" 2
if [ "$CLIENT" = dbclient ]; then
    ensure_key_for dbclient && ln -sf "$DKEY" "$TD/id" || finish "no dropbear key $DKEY (run: $0 key dbclient)" 2
else
    ensure_key_for ssh && ln -sf "$KEY" "$TD/id" || finish "no OpenSSH key $KEY (run: $0 key ssh)" 2
fi
[ -s "$TD/known_hosts" ] || finish "the relay's host key is not pinned in $TD/known_hosts" 2
log "supervisor v1 up: client=$CLIENT relay=$RUSER@$RHOST:$RPORT forward=127.0.0.1:$REMOTE:127.0.0.1:$TARGET"

export AUTOSSH_GATETIME=0 AUTOSSH_PORT=0 AUTOSSH_LOGFILE="$LOG"
FWD="127.0.0.1:$REMOTE:127.0.0.1:$TARGET"

# Starts the client in the background; every word that names a file carries the token (TD), so ps finds it.
start_client() {
    case $CLIENT in
        autossh | ssh)
            set -- -F /dev/null -T -o BatchMode=yes -o ExitOnForwardFailure=yes \
                -o ServerAliveInterval=5 -o ServerAliveCountMax=3 -o ConnectTimeout=10 \
                -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$TD/known_hosts" \
                -o GlobalKnownHostsFile=/dev/null -o UpdateHostKeys=no \
                -o IdentitiesOnly=yes -i "$TD/id" -p "$RPORT" -R "$FWD" "$RUSER@$RHOST"
            if [ "$CLIENT" = autossh ]; then
                autossh -M 0 "$@" &
            else
                ssh "$@" &
            fi
            ;;
        dbclient)
            HOME="$TD/home" dbclient -T -K 5 -I 30 -o ExitOnForwardFailure=yes \
                -i "$TD/id" -p "$RPORT" -R "$FWD" "$RUSER@$RHOST" &
            ;;
    esac
    CPID=$!
}

# Retrying is bounded by the heal, not by a backoff: a client that had been up (ran 5 s or more) is
# started again at once, one that failed fast after RETRY s. So at most one client starts per RETRY s
# while the relay cannot be reached, and a healed path is used within RETRY s (plus one login).
RETRY=1
while :; do
    read_clock
    check_end
    [ -n "$REASON" ] && finish "$REASON" 0
    start_client
    started=$NOW
    log "client $CLIENT started as $CPID"
    while alive "$CPID"; do
        check_end
        [ -n "$REASON" ] && finish "$REASON" 0
        nap
        [ $looks -eq 0 ] && trim_log # with each read of the clock
    done
    wait "$CPID"
    rc=$?
    CPID=
    read_clock
    ran=$((NOW - started))
    pause=$RETRY
    [ "$ran" -ge 5 ] && pause=0
    log "client exited with $rc after ${ran}s; retrying in ${pause}s"
    i=0
    while [ $i -lt $pause ]; do
        check_end
        [ -n "$REASON" ] && finish "$REASON" 0
        sleep 1
        tick
        i=$((i + 1))
    done
done
