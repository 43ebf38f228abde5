package io.netpilot.ssh.internal.tunnel;

import static io.netpilot.core.spi.ShellQuoting.quote;

import io.netpilot.core.AgentId;
import io.netpilot.core.CleanupToken;
import io.netpilot.core.InvalidInputException;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.spi.CommandResult;
import io.netpilot.core.spi.RelayGateway;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.core.spi.RevocationResult;
import io.netpilot.core.spi.SweepReport;
import io.netpilot.ssh.internal.tunnel.RelayCommands.Proc;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RelayGateway} over the tunnel account's keys file (see {@link RelayScripts} for where it and
 * the relay's other files live), as OpenSSH reads it. One line per tunnel, ending in the comment
 * {@code np:<token>} and, when made for an agent, {@code agent:<id>}:
 * {@code restrict,port-forwarding,permitlisten="127.0.0.1:PORT",permitopen="127.0.0.1:1",command="..." KEY np:TOKEN agent:ID}.
 * {@code port-forwarding} turns on {@code -L} as well as {@code -R}; {@code permitopen} to a port
 * nothing listens on takes {@code -L} back ({@code permitopen="none"} makes OpenSSH 9.2 reject the key).
 *
 * <p>The forced command idles while its session lives, ends by itself once the session's {@code sshd}
 * is gone (a bare {@code sleep} would outlive it), and ends the session itself once its marker
 * {@code sessions/TOKEN} is removed, which is how a revoke ends a session the agent's account may not
 * signal. Its arguments carry the token, so {@code ps} names each tunnel's session.
 *
 * <p>Edits hold an {@code flock} in the relay dir and replace the file by rename, so concurrent agents
 * and a reading {@code sshd} never see half a file. Stateless, thread-safe.
 */
final class OpenSshRelayGateway implements RelayGateway {
    private static final Logger LOG = LoggerFactory.getLogger(OpenSshRelayGateway.class);
    private static final Pattern PUBLIC_KEY = Pattern.compile("((?:ssh|ecdsa|sk)-[a-z0-9@.-]+) ([A-Za-z0-9+/]+={0,3})(?: .*)?");
    /**
     * The forced command, before its marker and token arguments: idles until its parent, the session's
     * sshd, is gone, and ends that parent once the marker ({@code $0}) is removed. {@code exec}
     * replaces the account's login shell, so that the parent is sshd itself even when the shell forks
     * for its rc files; a shell slower than the session execs it only after sshd has gone, as an orphan
     * of init, so parent 1 ends it too. {@code $0} is unquoted: the marker path is checked to be plain.
     */
    static final String IDLE = "exec sh -c 'while [ $PPID != 1 ] && kill -0 $PPID 2>/dev/null; do [ -e $0 ] || { kill $PPID; exit 0; }; sleep 5; done'";
    /**
     * A forced-command process as {@code ps} shows it: this version's idler (also while the login shell
     * that runs it has not exec'd yet), the previous version's (no marker), or the design's first draft.
     */
    private static final Pattern FORCED = Pattern.compile(
            "sh -c '?(?:while \\[ \\$PPID != 1 \\] && kill -0 \\$PPID 2>/dev/null; do (?:\\[ -e \\$0 \\] \\|\\| \\{ kill \\$PPID; exit 0; \\}; )?"
            + "sleep 5; done|sleep [0-9]+; :)'?(?: /[A-Za-z0-9._/-]+)? (" + CleanupToken.FORM.pattern() + ")$");

    /** The line's options up to the forced command's arguments, which the relay appends. */
    private static String linePrefix(CleanupToken token) {
        return "restrict,port-forwarding,permitlisten=\"127.0.0.1:" + token.port() + "\",permitopen=\"127.0.0.1:1\",command=\"" + IDLE;
    }

    /** What follows the forced command's arguments: the key and the comment. */
    private static String lineSuffix(String routerPublicKey, CleanupToken token, Optional<AgentId> agent) {
        Matcher m = PUBLIC_KEY.matcher(routerPublicKey.strip());
        if (!m.matches()) {
            throw new InvalidInputException("the router's public key must be 'TYPE BASE64' (authorized_keys form): "
                    + routerPublicKey.strip().lines().findFirst().orElse(""));
        }
        return "\" " + m.group(1) + " " + m.group(2) + " np:" + token.value() + agent.map(a -> " agent:" + a.value()).orElse("");
    }

    /** The whole line as the relay writes it, for a relay dir of {@code sessions}. */
    static String authorizedKeysLine(String routerPublicKey, CleanupToken token, String sessions, Optional<AgentId> agent) {
        return linePrefix(token) + " " + sessions + "/" + token.value() + " " + token.value() + lineSuffix(routerPublicKey, token, agent);
    }

    @Override
    public void authorize(RemoteShell relay, String routerPublicKey, CleanupToken token) {
        authorize(relay, routerPublicKey, token, Optional.empty());
    }

    @Override
    public void authorize(RemoteShell relay, String routerPublicKey, CleanupToken token, AgentId agent) {
        authorize(relay, routerPublicKey, token, Optional.of(agent));
    }

    private void authorize(RemoteShell relay, String routerPublicKey, CleanupToken token, Optional<AgentId> agent) {
        String suffix = lineSuffix(routerPublicKey, token, agent);
        String command = RelayScripts.PATHS + "T=" + quote(token.value()) + "; A=" + quote(agent.map(AgentId::value).orElse(""))
                + "; PRE=" + quote(linePrefix(token)) + "; POST=" + quote(suffix) + "; set -- -e \"$T\"; "
                + RelayScripts.PREPARE_AND_LOCK
                + "printf '%s\\n' \"$A\" > \"$S/$T.tmp\" && chmod 644 \"$S/$T.tmp\" && mv -f \"$S/$T.tmp\" \"$S/$T\" || exit 1; "
                + "edit() { printf '%s\\n' \"$PRE $S/$T $T$POST\"; }; " + RelayScripts.REWRITE_KEYS + "exit $rc";
        relay.exec(command, RelayCommands.TIMEOUT).orThrow("authorizing the router key of " + token + " on " + relay.address());
        LOG.info("tunnel {}: router key authorized on {} for port {}", token, relay.address(), token.port());
    }

    @Override
    public void revoke(RemoteShell relay, CleanupToken token) {
        relay.exec(removeLine(token) + "exit 0", RelayCommands.TIMEOUT).orThrow("revoking the router key of " + token + " on " + relay.address());
        LOG.info("tunnel {}: router key revoked on {}", token, relay.address());
    }

    /** Removes the key line and the session marker of {@code token} under the lock, then unlocks. */
    private static String removeLine(CleanupToken token) {
        return RelayScripts.PATHS + "T=" + quote(token.value()) + "; P=" + quote(Integer.toString(token.port())) + "; set -- -e \"$T\"; edit() { :; }; "
                + RelayScripts.PREPARE_AND_LOCK + RelayScripts.REWRITE_KEYS + "[ $rc = 0 ] || exit 1; rm -f \"$S/$T\" || exit 1; exec 9>&-; ";
    }

    @Override
    public RevocationResult revokeTunnel(RemoteShell relay, CleanupToken token) {
        String command = removeLine(token) + "echo KEYS-GONE; " + RelayScripts.FORCED_OF + RelayScripts.LISTENING + "set -- \"$T\"; "
                + RelayScripts.END_SESSIONS
                + "i=0; while [ -n \"$(fc \"$1\")\" ] && [ $i -lt 120 ]; do sleep 0.1 2>/dev/null || sleep 1; i=$((i+1)); done; "
                + "if [ -n \"$(fc \"$1\")\" ]; then echo SESSION-LEFT; else echo SESSION-GONE; fi; "
                + "if listening \"$P\"; then echo PORT-BUSY; else echo PORT-FREE; fi";
        CommandResult result;
        try {
            result = relay.exec(command, RelayCommands.TIMEOUT);
        } catch (NetPilotException e) {
            return new RevocationResult.Failed(token, "the relay " + relay.address() + " could not be asked: " + e.getMessage());
        }
        String out = result.stdout();
        if (!out.contains("KEYS-GONE")) {
            String why = result.stderr().isBlank() ? "exit " + result.exitCode() : result.stderr().strip();
            return new RevocationResult.Failed(token, "removing the router key of " + token + " on " + relay.address() + " failed: " + why);
        }
        if (out.contains("SESSION-LEFT")) {
            return new RevocationResult.SessionLeft(token, "the router key of " + token + " is removed, but its session on "
                    + relay.address() + " still runs 12 s later: the agent's relay account cannot end it and it did not end by itself");
        }
        if (!out.contains("SESSION-GONE")) {
            return new RevocationResult.SessionLeft(token, "the router key of " + token + " is removed, but the relay " + relay.address()
                    + " stopped answering before it could tell whether the session ended (exit " + result.exitCode() + ": "
                    + (result.stderr().isBlank() ? out.strip() : result.stderr().strip()) + ")");
        }
        LOG.info("tunnel {}: router key revoked and session gone on {}", token, relay.address());
        return new RevocationResult.Revoked(token, out.contains("PORT-BUSY"));
    }

    @Override
    public SweepReport sweep(RemoteShell relay, AgentId agent, Set<CleanupToken> wanted) {
        return RelaySweep.sweep(relay, agent, wanted);
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
