package io.netpilot.ssh.internal.tunnel;

import static io.netpilot.core.spi.ShellQuoting.quote;

import io.netpilot.core.CleanupToken;
import io.netpilot.core.InvalidInputException;
import io.netpilot.core.spi.RelayGateway;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.ssh.internal.tunnel.RelayCommands.Proc;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RelayGateway} over the tunnel account's {@code authorized_keys}
 * ({@code $NETPILOT_AUTHORIZED_KEYS}, else {@code ~/.ssh/authorized_keys}), as OpenSSH reads it.
 * One line per tunnel, ending in the comment {@code np:<token>}:
 * {@code restrict,port-forwarding,permitlisten="127.0.0.1:PORT",command="..." KEY np:TOKEN}.
 *
 * <p>The forced command idles while its session lives and ends by itself once the session's
 * {@code sshd} is gone (a bare {@code sleep} would outlive the session: without a terminal nothing
 * signals it). Its arguments carry the token, so {@code ps} names each tunnel's session.
 *
 * <p>Edits take a {@code mkdir} lock beside the file and replace it by rename, so concurrent agents
 * and a reading {@code sshd} never see half a file. Stateless, thread-safe.
 */
final class OpenSshRelayGateway implements RelayGateway {
    private static final Logger LOG = LoggerFactory.getLogger(OpenSshRelayGateway.class);
    private static final Pattern PUBLIC_KEY = Pattern.compile("((?:ssh|ecdsa|sk)-[a-z0-9@.-]+) ([A-Za-z0-9+/]+={0,3})(?: .*)?");
    /**
     * The forced command, before its token argument: idles until its parent, the session's sshd, is
     * gone. {@code exec} replaces the account's login shell, so that the parent is sshd itself even
     * when the shell forks for its rc files; a shell slower than the session (a heavy {@code .bashrc})
     * execs it only after sshd has gone, as an orphan of init, so parent 1 ends it too.
     */
    static final String IDLE = "exec sh -c 'while [ $PPID != 1 ] && kill -0 $PPID 2>/dev/null; do sleep 5; done'";
    /**
     * A forced-command process as {@code ps} shows it: this version's idler (also while the login shell
     * that runs it has not exec'd yet) or the bare {@code sleep} of the design's first draft.
     */
    private static final Pattern FORCED = Pattern.compile(
            "sh -c '?(?:while \\[ \\$PPID != 1 \\] && kill -0 \\$PPID 2>/dev/null; do sleep 5; done|sleep [0-9]+; :)'? (" + CleanupToken.FORM.pattern() + ")$");
    private static final String KEYS = "AK=\"${NETPILOT_AUTHORIZED_KEYS:-$HOME/.ssh/authorized_keys}\"; ";
    /** Runs the edit in {@code $EDIT} (a filter from the old file to the new) under the lock. */
    private static final String LOCKED_EDIT = "d=$(dirname \"$AK\"); [ -d \"$d\" ] || { mkdir -p \"$d\" && chmod 700 \"$d\"; } || exit 1; "
            + "[ -e \"$AK\" ] || { : > \"$AK\" && chmod 600 \"$AK\"; } || exit 1; "
            + "i=0; until mkdir \"$AK.np-lock\" 2>/dev/null; do i=$((i+1)); "
            + "if [ $i -ge 100 ]; then echo \"$AK.np-lock is held for 10s: if no NetPilot agent is editing it, remove that directory\" >&2; exit 1; fi; "
            + "sleep 0.1 2>/dev/null || sleep 1; done; "
            + "t=\"$AK.np-tmp.$$\"; "
            + "{ grep -v -F -e \"$T\" \"$AK\"; edit; } > \"$t\" && chmod 600 \"$t\" && mv -f \"$t\" \"$AK\"; rc=$?; "
            + "rm -f \"$t\"; rmdir \"$AK.np-lock\"; exit $rc";

    static String authorizedKeysLine(String routerPublicKey, CleanupToken token) {
        Matcher m = PUBLIC_KEY.matcher(routerPublicKey.strip());
        if (!m.matches()) {
            throw new InvalidInputException("the router's public key must be 'TYPE BASE64' (authorized_keys form): "
                    + routerPublicKey.strip().lines().findFirst().orElse(""));
        }
        return "restrict,port-forwarding,permitlisten=\"127.0.0.1:" + token.port() + "\",command=\"" + IDLE + " " + token.value() + "\" "
                + m.group(1) + " " + m.group(2) + " np:" + token.value();
    }

    @Override
    public void authorize(RemoteShell relay, String routerPublicKey, CleanupToken token) {
        String line = authorizedKeysLine(routerPublicKey, token);
        String command = KEYS + "T=" + quote(token.value()) + "; L=" + quote(line) + "; edit() { printf '%s\\n' \"$L\"; }; " + LOCKED_EDIT;
        relay.exec(command, RelayCommands.TIMEOUT).orThrow("authorizing the router key of " + token + " on " + relay.address());
        LOG.info("tunnel {}: router key authorized on {} for port {}", token, relay.address(), token.port());
    }

    @Override
    public void revoke(RemoteShell relay, CleanupToken token) {
        String command = KEYS + "T=" + quote(token.value()) + "; [ -e \"$AK\" ] || exit 0; edit() { :; }; " + LOCKED_EDIT;
        relay.exec(command, RelayCommands.TIMEOUT).orThrow("revoking the router key of " + token + " on " + relay.address());
        LOG.info("tunnel {}: router key revoked on {}", token, relay.address());
    }

    /** The live forced-command processes by token; orphans (parent 1) belong to sessions already gone. */
    private static Map<String, Proc> forcedCommands(List<Proc> procs) {
        return procs.stream()
                .filter(p -> p.ppid() != 1)
                .map(p -> Map.entry(p, FORCED.matcher(p.args().strip())))
                .filter(e -> e.getValue().find())
                // A login shell about to exec the command shows the same words; the exec'd sh wins.
                .collect(Collectors.toMap(e -> e.getValue().group(1), Map.Entry::getKey,
                        (a, b) -> a.args().startsWith("sh -c") ? a : b));
    }

    /** The nearest {@code sshd} ancestor of {@code proc}: its session process on OpenSSH. */
    private static Optional<Proc> sshdAncestor(Proc proc, Map<Integer, Proc> byPid) {
        Proc p = proc;
        for (int depth = 0; depth < 5; depth++) {
            p = byPid.get(p.ppid());
            if (p == null || p.pid() == 1) {
                return Optional.empty();
            }
            if (p.args().startsWith("sshd")) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    @Override
    public List<CleanupToken> liveSessions(RemoteShell relay) {
        List<Proc> procs = RelayCommands.processes(
                relay.exec(RelayCommands.PS, RelayCommands.TIMEOUT).orThrow("listing processes on " + relay.address()).stdout());
        return new TreeSet<>(forcedCommands(procs).keySet()).stream().map(CleanupToken::new).toList();
    }

    @Override
    public boolean endSession(RemoteShell relay, CleanupToken token) {
        List<Proc> procs = RelayCommands.processes(
                relay.exec(RelayCommands.PS, RelayCommands.TIMEOUT).orThrow("listing processes on " + relay.address()).stdout());
        Proc forced = forcedCommands(procs).get(token.value());
        if (forced == null) {
            return false;
        }
        Map<Integer, Proc> byPid = procs.stream().collect(Collectors.toMap(Proc::pid, Function.identity(), (a, b) -> a));
        // OpenSSH: the parent is the session's "sshd: user@notty"; ending it frees the port at once.
        // An embedded server runs the command from its own JVM: ending the command ends the channel,
        // and the router's client (which asked for that session) disconnects.
        Optional<Proc> sshd = sshdAncestor(forced, byPid);
        StringBuilder pids = new StringBuilder();
        sshd.ifPresent(p -> pids.append(p.pid()).append(' '));
        pids.append(forced.pid());
        String command = "kill -TERM " + pids + " 2>/dev/null; i=0; while kill -0 " + forced.pid() + " 2>/dev/null && [ $i -lt 30 ]; do "
                + "sleep 0.1 2>/dev/null || sleep 1; i=$((i+1)); done; kill -0 " + forced.pid() + " 2>/dev/null && kill -KILL " + pids
                + " 2>/dev/null; exit 0";
        relay.exec(command, RelayCommands.TIMEOUT).orThrow("ending the relay session of " + token + " on " + relay.address());
        LOG.info("tunnel {}: relay session ended on {} ({})", token, relay.address(),
                sshd.map(p -> "sshd " + p.pid() + " and command " + forced.pid()).orElse("command " + forced.pid()));
        return true;
    }

    @Override
    public boolean isListening(RemoteShell relay, int port) {
        return RelayCommands.listeningPorts(relay).contains(port);
    }
}
