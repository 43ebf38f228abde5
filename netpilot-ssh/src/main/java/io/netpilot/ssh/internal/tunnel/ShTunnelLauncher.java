package io.netpilot.ssh.internal.tunnel;

import static io.netpilot.core.spi.ShellQuoting.quote;

import io.netpilot.core.CleanupToken;
import io.netpilot.core.Forward;
import io.netpilot.core.InvalidInputException;
import io.netpilot.core.RemoteCommandException;
import io.netpilot.core.SshAddress;
import io.netpilot.core.spi.CommandResult;
import io.netpilot.core.spi.DiscoveredTunnel;
import io.netpilot.core.spi.LaunchPlan;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.core.spi.RouterTunnelStatus;
import io.netpilot.core.spi.ShellQuoting;
import io.netpilot.core.spi.TunnelLauncher;
import io.netpilot.ssh.tunnel.ClientKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TunnelLauncher} over the POSIX {@code sh} supervisor script {@value #SCRIPT}, which it uploads
 * to the router's work dir ({@code $NETPILOT_WORK_DIR}, else {@code /tmp/netpilot}). The protocol
 * (files, arguments, lease) is described in {@code docs/router-protocol.md}. Every value in a command
 * comes from a validated record and is quoted. Stateless, thread-safe.
 */
final class ShTunnelLauncher implements TunnelLauncher {
    /** The script's versioned name: a new protocol gets a new name, so old and new never mix. */
    static final String SCRIPT = "netpilot-tunnel-v1.sh";
    /** Sets {@code W} to the router's work dir. */
    static final String WORK = "W=\"${NETPILOT_WORK_DIR:-/tmp/netpilot}\"; ";
    /** The script as shipped in this jar. */
    private static final byte[] SCRIPT_BYTES = loadScript();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    private static final int LOG_TAIL_LINES = 20;
    private static final Logger LOG = LoggerFactory.getLogger(ShTunnelLauncher.class);
    /** A tunnel's file: the token, then one of the protocol's suffixes. */
    private static final Pattern FILE = Pattern.compile("(" + CleanupToken.FORM.pattern() + ")\\.(pid|lease|log|stop|plan|d)(\\.tmp)?");
    /** The version of the plan file's format ({@code version=} line); the only one this launcher reads. */
    static final String PLAN_VERSION = "1";
    /** The keys of a plan file, each on one {@code key=value} line. */
    private static final List<String> PLAN_KEYS = List.of(
            "version", "relay_user", "relay_host", "relay_port", "remote_port", "target_port", "lease_ttl_seconds");
    /** More than any valid plan: a bigger file is not read further. */
    private static final int PLAN_MAX_BYTES = 2048;

    private final ClientKind client;

    ShTunnelLauncher(ClientKind client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    static byte[] script() {
        return SCRIPT_BYTES.clone();
    }

    private static byte[] loadScript() {
        try (InputStream in = ShTunnelLauncher.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException("the supervisor script " + SCRIPT + " is missing from the netpilot-ssh jar: rebuild it");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the supervisor script " + SCRIPT + " from the netpilot-ssh jar", e);
        }
    }

    @Override
    public String ensureRouterKey(RemoteShell router) {
        CommandResult result = router.exec(UPLOAD + "sh \"$W/" + SCRIPT + "\" key " + quote(client.hint()), SCRIPT_BYTES, COMMAND_TIMEOUT)
                .orThrow("making the router's key pair on " + router.address());
        String key = result.stdout().lines()
                .map(String::strip)
                .filter(l -> l.matches("(ssh|ecdsa|sk)-[a-z0-9@.-]+ [A-Za-z0-9+/=]+( .*)?"))
                .reduce((a, b) -> b)
                .orElseThrow(() -> new RemoteCommandException("the router " + router.address()
                        + " printed no public key; its answer was: " + result.stdout().strip()));
        String[] parts = key.split(" ");
        return parts[0] + " " + parts[1];
    }

    /**
     * The start of a command that puts the script, read from the command's stdin, into the work dir:
     * written aside, then renamed, so running supervisors keep reading the old file. Stops the command
     * when that fails. Part of the command that uses the script, so the upload costs no round trip.
     */
    static final String UPLOAD = WORK + "mkdir -p \"$W\" && chmod 700 \"$W\" && t=\"$W/." + SCRIPT + ".$$\" && cat > \"$t\""
            + " && chmod 700 \"$t\" && mv -f \"$t\" \"$W/" + SCRIPT + "\" || { echo \"cannot write the tunnel script into $W\" >&2; exit 1; }; ";

    @Override
    public int launch(RemoteShell router, LaunchPlan plan) {
        CleanupToken token = plan.token();
        SshAddress relay = plan.relay();
        String knownHostsHost = relay.port() == 22 ? relay.host() : "[" + relay.host() + "]:" + relay.port();
        String script = "\"$W/" + SCRIPT + "\"";
        String args = String.join(" ", quote(token.value()), quote(relay.user()), quote(relay.host()),
                quote(Integer.toString(relay.port())), quote(Integer.toString(plan.forward().remotePort())),
                quote(Integer.toString(plan.forward().targetPort())), quote(client.hint()));
        String command = UPLOAD + "T=" + quote(token.value()) + "; D=\"$W/$T.d\"; "
                + "rm -f \"$W/$T.stop\"; "
                + "if [ -s \"$W/$T.pid\" ] && ! kill -0 \"$(cat \"$W/$T.pid\")\" 2>/dev/null; then rm -f \"$W/$T.pid\"; fi; "
                + "mkdir -p \"$D/home/.ssh\" || exit 1; "
                // Every relay key, for ssh/autossh ([host]:port form) and for dbclient (host only).
                + "printf '%s\\n' " + plan.relayHostKeys().stream().map(k -> quote(knownHostsHost + " " + k)).collect(Collectors.joining(" "))
                + " > \"$D/known_hosts\" || exit 1; "
                + "printf '%s\\n' " + plan.relayHostKeys().stream().map(k -> quote(relay.host() + " " + k)).collect(Collectors.joining(" "))
                + " > \"$D/home/.ssh/known_hosts\" || exit 1; "
                + planWrite(plan)
                + leaseWrite(plan.leaseTtl())
                + "cd \"$W\" || exit 1; "
                + "if command -v setsid >/dev/null 2>&1; then setsid sh " + script + " " + args
                + " </dev/null >>\"$W/$T.log\" 2>&1 & "
                + "else nohup sh " + script + " " + args + " </dev/null >>\"$W/$T.log\" 2>&1 & fi; "
                + "P=$!; i=0; "
                // the supervisor writes its pid file first thing: look for it often (10 s at most)
                + "while [ ! -s \"$W/$T.pid\" ] && [ $i -lt 500 ]; do "
                + "case \"$(cat /proc/$P/stat 2>/dev/null)\" in *') Z'*) break;; esac; "
                + "sleep 0.02 2>/dev/null || { sleep 1; i=$((i+49)); }; i=$((i+1)); done; "
                + "if [ -s \"$W/$T.pid\" ]; then cat \"$W/$T.pid\"; else echo 'the supervisor did not start; its log ends with:' >&2; "
                + "tail -n 5 \"$W/$T.log\" >&2; exit 1; fi";
        CommandResult result = router.exec(command, SCRIPT_BYTES, COMMAND_TIMEOUT).orThrow("starting tunnel " + token + " on " + router.address());
        String out = result.stdout().strip();
        if (!out.matches("[0-9]{1,10}")) {
            throw new RemoteCommandException("the router " + router.address() + " answered '" + out
                    + "' instead of the supervisor's pid for " + token + ": look at " + token + ".log in its work dir");
        }
        int pid = Integer.parseInt(out);
        LOG.info("tunnel {}: supervisor {} started on {} with client {}", token, pid, router.address(), client.hint());
        return pid;
    }

    /**
     * Writes {@code TOKEN.plan} aside and renames it: what the tunnel is launched with, so an agent that
     * lost its state can take it back ({@link #describe}). Every value comes from a validated record
     * and is quoted.
     */
    private static String planWrite(LaunchPlan plan) {
        SshAddress relay = plan.relay();
        List<String> lines = List.of(
                "version=" + PLAN_VERSION,
                "relay_user=" + relay.user(),
                "relay_host=" + relay.host(),
                "relay_port=" + relay.port(),
                "remote_port=" + plan.forward().remotePort(),
                "target_port=" + plan.forward().targetPort(),
                "lease_ttl_seconds=" + ttlSeconds(plan.leaseTtl()));
        return "printf '%s\\n' " + String.join(" ", lines.stream().map(ShellQuoting::quote).toList())
                + " > \"$W/$T.plan.tmp\" && mv -f \"$W/$T.plan.tmp\" \"$W/$T.plan\" || exit 1; ";
    }

    /** Whole seconds, rounded up, at least one. */
    private static long ttlSeconds(Duration ttl) {
        return Math.max(1, ttl.toSeconds() + (ttl.toNanosPart() > 0 ? 1 : 0));
    }

    /** Writes the lease aside and renames it, so the supervisor never reads half a number. */
    private static String leaseWrite(Duration ttl) {
        long seconds = ttlSeconds(ttl);
        return "echo $(( $(date +%s) + " + seconds + " )) > \"$W/$T.lease.tmp\" && mv -f \"$W/$T.lease.tmp\" \"$W/$T.lease\" || exit 1; ";
    }

    @Override
    public void renewLease(RemoteShell router, CleanupToken token, Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        String command = WORK + "T=" + quote(token.value()) + "; "
                + "[ -e \"$W/$T.lease\" ] || [ -e \"$W/$T.pid\" ] || { echo \"tunnel $T has no files in $W (router rebooted?)\" >&2; exit 1; }; "
                + leaseWrite(ttl);
        router.exec(command, COMMAND_TIMEOUT).orThrow("renewing the lease of " + token + " on " + router.address());
    }

    @Override
    public RouterTunnelStatus inspect(RemoteShell router, CleanupToken token) {
        String command = WORK + "T=" + quote(token.value()) + "; p=; "
                + "[ -r \"$W/$T.pid\" ] && read -r p < \"$W/$T.pid\"; "
                + "case \"$p\" in ''|*[!0-9]*) p=;; esac; "
                + "if [ -n \"$p\" ] && kill -0 \"$p\" 2>/dev/null; then "
                + "case \"$(cat /proc/$p/stat 2>/dev/null)\" in *') Z'*) p=;; esac; "
                + "if [ -n \"$p\" ] && [ -r /proc/$p/cmdline ] && ! tr '\\0' ' ' < /proc/$p/cmdline | grep -q \"$T\"; then p=; fi; "
                + "else p=; fi; "
                + "l=; [ -r \"$W/$T.lease\" ] && read -r l < \"$W/$T.lease\"; "
                + "echo \"pid=$p\"; echo \"lease=$l\"; echo \"now=$(date +%s)\"; echo ---; "
                + "tail -n " + LOG_TAIL_LINES + " \"$W/$T.log\" 2>/dev/null; exit 0";
        CommandResult result = router.exec(command, COMMAND_TIMEOUT).orThrow("inspecting tunnel " + token + " on " + router.address());
        return parseStatus(token, result.stdout());
    }

    static RouterTunnelStatus parseStatus(CleanupToken token, String out) {
        OptionalInt pid = OptionalInt.empty();
        Optional<Long> lease = Optional.empty();
        Optional<Long> now = Optional.empty();
        StringBuilder tail = new StringBuilder();
        boolean inLog = false;
        for (String line : out.split("\n", -1)) {
            if (inLog) {
                tail.append(line).append('\n');
            } else if (line.equals("---")) {
                inLog = true;
            } else if (line.matches("pid=[0-9]{1,9}")) {
                pid = OptionalInt.of(Integer.parseInt(line.substring(4)));
            } else if (line.matches("lease=[0-9]{1,18}")) {
                lease = Optional.of(Long.parseLong(line.substring(6)));
            } else if (line.matches("now=[0-9]{1,18}")) {
                now = Optional.of(Long.parseLong(line.substring(4)));
            }
        }
        Duration remaining = lease.isPresent() && now.isPresent() ? Duration.ofSeconds(lease.get() - now.get()) : Duration.ZERO;
        return new RouterTunnelStatus(token, pid, remaining, tail.toString().strip());
    }

    @Override
    public void requestStop(RemoteShell router, CleanupToken token) {
        String command = WORK + "T=" + quote(token.value()) + "; [ -d \"$W\" ] || exit 0; : > \"$W/$T.stop\"";
        router.exec(command, COMMAND_TIMEOUT).orThrow("asking tunnel " + token + " to stop on " + router.address());
    }

    @Override
    public void removeFiles(RemoteShell router, CleanupToken token) {
        String command = WORK + "T=" + quote(token.value()) + "; [ -d \"$W\" ] || exit 0; "
                + "rm -rf \"$W/$T.d\" \"$W/$T.pid\" \"$W/$T.pid.tmp\" \"$W/$T.lease\" \"$W/$T.lease.tmp\" "
                + "\"$W/$T.log\" \"$W/$T.log.tmp\" \"$W/$T.stop\" \"$W/$T.plan\" \"$W/$T.plan.tmp\"";
        router.exec(command, COMMAND_TIMEOUT).orThrow("removing the files of tunnel " + token + " on " + router.address());
    }

    @Override
    public List<CleanupToken> tokens(RemoteShell router) {
        CommandResult result = router.exec(WORK + "[ -d \"$W\" ] || exit 0; ls -1 \"$W\"", COMMAND_TIMEOUT)
                .orThrow("listing the work dir on " + router.address());
        TreeSet<String> found = new TreeSet<>();
        for (String name : result.stdout().split("\n")) {
            Matcher m = FILE.matcher(name.strip());
            if (m.matches()) {
                CleanupToken.findIn(m.group(1)).ifPresent(t -> found.add(t.value()));
            }
        }
        return found.stream().map(CleanupToken::new).toList();
    }

    @Override
    public Optional<DiscoveredTunnel> describe(RemoteShell router, CleanupToken token) {
        String command = WORK + "T=" + quote(token.value()) + "; [ -f \"$W/$T.plan\" ] || exit 0; "
                + "head -c " + PLAN_MAX_BYTES + " \"$W/$T.plan\"";
        CommandResult result = router.exec(command, COMMAND_TIMEOUT)
                .orThrow("reading the launch plan of " + token + " on " + router.address());
        if (result.stdout().isEmpty()) {
            LOG.info("tunnel {} has no launch plan on {}", token, router.address());
            return Optional.empty();
        }
        try {
            return Optional.of(parsePlan(token, result.stdout()));
        } catch (InvalidInputException e) {
            LOG.warn("the launch plan of {} on {} is not valid, so it is not used: {}", token, router.address(), e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Reads a plan file: exactly the plan's keys, each once, version {@value #PLAN_VERSION}, every value
     * through core's records.
     *
     * @throws InvalidInputException when anything is missing, repeated, unknown or not valid
     */
    static DiscoveredTunnel parsePlan(CleanupToken token, String text) {
        if (text.length() >= PLAN_MAX_BYTES) {
            throw new InvalidInputException("the plan is longer than " + PLAN_MAX_BYTES + " bytes");
        }
        Map<String, String> values = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            String key = eq < 0 ? line : line.substring(0, eq);
            if (eq < 0 || !PLAN_KEYS.contains(key)) {
                throw new InvalidInputException("unexpected line in the plan: " + printable(line));
            }
            if (values.putIfAbsent(key, line.substring(eq + 1)) != null) {
                throw new InvalidInputException("the plan names " + key + " twice");
            }
        }
        for (String key : PLAN_KEYS) {
            if (!values.containsKey(key)) {
                throw new InvalidInputException("the plan has no " + key);
            }
        }
        if (!PLAN_VERSION.equals(values.get("version"))) {
            throw new InvalidInputException("the plan is version " + printable(values.get("version")) + "; this agent reads " + PLAN_VERSION);
        }
        SshAddress relay = new SshAddress(values.get("relay_user"), values.get("relay_host"), number(values, "relay_port", 5));
        Forward forward = new Forward(number(values, "remote_port", 5), number(values, "target_port", 5));
        Duration ttl = Duration.ofSeconds(number(values, "lease_ttl_seconds", 6));
        return new DiscoveredTunnel(token, forward, relay, ttl);
    }

    private static int number(Map<String, String> values, String key, int maxDigits) {
        String v = values.get(key);
        if (!v.matches("[0-9]{1," + maxDigits + "}")) {
            throw new InvalidInputException(key + " is not a number of at most " + maxDigits + " digits: " + printable(v));
        }
        return Integer.parseInt(v);
    }

    private static String printable(String v) {
        String cut = v.length() > 60 ? v.substring(0, 60) + "..." : v;
        return "'" + cut.replaceAll("\\p{Cntrl}", "?") + "'";
    }
}
