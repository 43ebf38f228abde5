package io.netpilot.ssh.internal.tunnel;

/**
 * The fixed shell text the relay-side classes run, in one place so that the key lines, locks, leases
 * and session markers agree on where they live. Every script takes its variable parts as quoted
 * shell variables set before it. Stateless.
 *
 * <p>Layout, under {@code R = ${NETPILOT_RELAY_DIR:-$HOME/.netpilot-relay}} of the account the agent
 * logs in as (see {@code docs/relay-setup.md}):
 * <ul>
 *   <li>{@code R/router_keys}: the tunnel account's keys when the relay has a separate tunnel account
 *       (its sshd reads them with {@code AuthorizedKeysCommand}); without it, the one-account layout's
 *       {@code ~/.ssh/authorized_keys}. {@code $NETPILOT_AUTHORIZED_KEYS} overrides both.
 *   <li>{@code R/lock}: an {@code flock} file; the kernel releases it when its holder dies, so an
 *       interrupted edit never leaves it held. A non-file planted there is removed.
 *   <li>{@code R/leases/PORT/owner}: port leases; {@code R/sessions/TOKEN}: one marker per authorized
 *       tunnel, holding the agent's id. The router's forced command ends its own session once its
 *       marker is gone, which works when the agent's account may not signal the tunnel account.
 * </ul>
 */
final class RelayScripts {
    private RelayScripts() {}

    /** Sets {@code R}, {@code S} (session markers), {@code D} (leases) and {@code AK} (the keys file). */
    static final String PATHS = "R=\"${NETPILOT_RELAY_DIR:-$HOME/.netpilot-relay}\"; S=\"$R/sessions\"; D=\"$R/leases\"; "
            + "if [ -n \"$NETPILOT_AUTHORIZED_KEYS\" ]; then AK=$NETPILOT_AUTHORIZED_KEYS; "
            + "elif [ -f \"$R/router_keys\" ] && [ ! -L \"$R/router_keys\" ]; then AK=\"$R/router_keys\"; "
            + "else AK=\"$HOME/.ssh/authorized_keys\"; fi; ";

    /**
     * Makes the relay dirs (replacing anything that is not a directory: only agents create entries
     * there), checks that {@code S} may appear in a key line, and takes the lock on file descriptor 9.
     */
    static final String PREPARE_AND_LOCK = "for d in \"$R\" \"$S\" \"$D\"; do "
            + "if [ -L \"$d\" ] || { [ -e \"$d\" ] && [ ! -d \"$d\" ]; }; then rm -f \"$d\" || exit 1; fi; "
            + "[ -d \"$d\" ] || mkdir -p \"$d\" || exit 1; done; chmod 711 \"$R\" \"$S\" && chmod 700 \"$D\" || exit 1; "
            + "case $S in /*) ;; *) echo \"the relay dir $S is not an absolute path\" >&2; exit 1;; esac; "
            + "case $S in *[!A-Za-z0-9._/-]*) echo \"the relay dir $S has characters a key line cannot carry: set NETPILOT_RELAY_DIR\" >&2; exit 1;; esac; "
            + "command -v flock >/dev/null 2>&1 || { echo 'flock is missing on the relay: install util-linux (or busybox flock)' >&2; exit 1; }; "
            + "L=\"$R/lock\"; if [ -L \"$L\" ] || { [ -e \"$L\" ] && [ ! -f \"$L\" ]; }; then rm -rf \"$L\" || exit 1; fi; "
            + "exec 9>>\"$L\" || exit 1; "
            + "flock -w 10 9 || { echo \"the relay lock $L was held for 10s by another agent's edit; retry\" >&2; exit 1; }; ";

    /**
     * Under the lock: writes the keys file without the lines matching any {@code -e} pattern in
     * {@code $@}, plus what {@code edit} prints, replacing it by rename; leaves {@code rc}.
     */
    static final String REWRITE_KEYS = "d=$(dirname \"$AK\"); [ -d \"$d\" ] || { mkdir -p \"$d\" && chmod 700 \"$d\"; } || exit 1; "
            + "[ -e \"$AK\" ] || { : > \"$AK\" && chmod 600 \"$AK\"; } || exit 1; "
            + "t=\"$AK.np-tmp.$$\"; "
            + "{ grep -v -F \"$@\" \"$AK\"; [ $? -le 1 ] && edit; } > \"$t\" && chmod 600 \"$t\" && mv -f \"$t\" \"$AK\"; rc=$?; rm -f \"$t\"; ";

    /**
     * Prints {@code PID PPID} of every live forced command carrying token {@code $1}: the
     * {@code sh -c ...} whose arguments end in the token and whose parent is still its session.
     */
    static final String FORCED_OF = "fc() { { ps -ww -eo pid,ppid,args 2>/dev/null || ps -o pid,ppid,args; } | "
            + "while read -r p pp a; do case $a in \"sh -c \"*\" $1\") [ \"$pp\" != 1 ] && echo \"$p $pp\";; esac; done; }; ";

    /** Signals the sessions of token {@code $1} (works when this account owns them; harmless when not). */
    static final String END_SESSIONS = "fc \"$1\" | while read -r p pp; do kill -TERM \"$pp\" \"$p\" 2>/dev/null; done; ";

    /** Whether TCP port {@code $1} listens on the relay. */
    static final String LISTENING = "listening() { for h in $(awk '$4 == \"0A\" { n = split($2, a, \":\"); print a[n] }' "
            + "/proc/net/tcp /proc/net/tcp6 2>/dev/null); do [ $((0x$h)) = \"$1\" ] && return 0; done; return 1; }; ";
}
