package io.netpilot.ssh.internal;

import io.netpilot.core.CleanupToken;
import io.netpilot.core.InvalidInputException;
import io.netpilot.core.RemoteProcess;
import io.netpilot.core.RemoteProcessController;
import io.netpilot.core.StopPolicy;
import io.netpilot.core.StopResult;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.core.spi.ShellQuoting;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RemoteProcessController} over a {@link RemoteShell}: one fixed script lists processes on
 * procps and busybox alike ({@link ProcessListing}); stops are staged by a fixed script whose only
 * variable parts are quoted, validated pids. Stateless, thread-safe.
 */
final class SshRemoteProcessController implements RemoteProcessController {
    private static final Logger LOG = LoggerFactory.getLogger(SshRemoteProcessController.class);
    private static final Duration LIST_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration TICK = Duration.ofMillis(200);
    /** The least time a stop waits for stopped processes to leave the listing before it calls them survivors. */
    private static final Duration MIN_SETTLE = Duration.ofSeconds(2);

    /** Alive means: signalable and not a zombie (a zombie's parent may never reap it on a router). */
    private static final String ALIVE_FUNCTION = "alive() { kill -0 \"$1\" 2>/dev/null || return 1;"
            + " [ -r \"/proc/$1/stat\" ] || return 0; read -r s < \"/proc/$1/stat\" 2>/dev/null || return 0;"
            + " s=${s##*) }; case \"$s\" in Z*) return 1;; esac; return 0; }";

    SshRemoteProcessController() {}

    @Override
    public List<RemoteProcess> processes(RemoteShell shell) {
        String out = shell.exec(ProcessListing.SCRIPT, LIST_TIMEOUT).orThrow("listing processes on " + shell.address()).stdout();
        List<RemoteProcess> all = ProcessListing.parse(out);
        if (all.isEmpty()) {
            throw new io.netpilot.core.RemoteCommandException("listing processes on " + shell.address()
                    + " gave nothing NetPilot can read; check that ps works for " + shell.address().user());
        }
        return all;
    }

    @Override
    public List<RemoteProcess> findByToken(RemoteShell shell, CleanupToken token) {
        Objects.requireNonNull(token, "token");
        Pattern word = Pattern.compile("(?<![0-9A-Za-z_])" + Pattern.quote(token.value()) + "(?![0-9A-Za-z_])");
        List<RemoteProcess> all = processes(shell);
        List<RemoteProcess> carriers = all.stream().filter(p -> word.matcher(p.commandLine()).find()).toList();
        return ProcessListing.withDescendants(carriers, all);
    }

    @Override
    public List<RemoteProcess> findByForwardPort(RemoteShell shell, int port) {
        if (port < 1 || port > 65535) {
            throw new InvalidInputException("relay port must be from 1 to 65535, not " + port);
        }
        return byForwardPort(processes(shell), port);
    }

    /** The part of {@link #findByForwardPort} that needs no shell. */
    static List<RemoteProcess> byForwardPort(List<RemoteProcess> all, int port) {
        Map<Integer, RemoteProcess> byPid = all.stream()
                .collect(Collectors.toMap(RemoteProcess::pid, Function.identity(), (a, b) -> a, LinkedHashMap::new));
        List<RemoteProcess> roots = new ArrayList<>();
        for (RemoteProcess p : all) {
            if (ForwardSpecs.remotePorts(p.commandLine()).contains(port)) {
                roots.add(p);
                RemoteProcess parent = byPid.get(p.ppid());
                if (parent != null && isAutossh(parent)) {
                    roots.add(parent);
                }
            }
        }
        return ProcessListing.withDescendants(roots, all);
    }

    private static boolean isAutossh(RemoteProcess p) {
        String first = p.commandLine().strip().split("\\s+", 2)[0];
        return first.substring(first.lastIndexOf('/') + 1).equals("autossh");
    }

    @Override
    public StopResult stopTrees(RemoteShell shell, Collection<RemoteProcess> roots, StopPolicy policy) {
        Objects.requireNonNull(roots, "roots");
        Objects.requireNonNull(policy, "policy");
        if (roots.isEmpty()) {
            return new StopResult(List.of(), List.of());
        }
        // Everything ever targeted, by pid; a pid counts as the same process only with the same command line.
        Map<Integer, RemoteProcess> targets = new LinkedHashMap<>();
        List<RemoteProcess> snapshot = processes(shell);
        List<RemoteProcess> alive = collect(roots, targets, snapshot);
        for (int attempt = 1; attempt <= policy.attempts() && !alive.isEmpty(); attempt++) {
            LOG.debug("stopping {} process(es) on {} (attempt {}/{})", alive.size(), shell.address(), attempt, policy.attempts());
            shell.exec(stopScript(alive, policy.grace()), policy.grace().plus(Duration.ofSeconds(20)))
                    .orThrow("stopping processes on " + shell.address());
            alive = settle(shell, targets, policy.grace());
        }
        Set<Integer> survivors = alive.stream().map(RemoteProcess::pid).collect(Collectors.toSet());
        List<RemoteProcess> stopped = targets.values().stream().filter(p -> !survivors.contains(p.pid())).toList();
        if (!alive.isEmpty()) {
            LOG.warn("{} process(es) on {} survived {} stop attempt(s): {}", alive.size(), shell.address(),
                    policy.attempts(), survivors);
        }
        return new StopResult(stopped, alive);
    }

    /**
     * Lists again until none of {@code targets} runs or {@code grace} (at least {@link #MIN_SETTLE})
     * has passed: a process that got KILL, or whose parent is still reaping it, may be listed for a
     * moment after the stop script saw it go (zombies are never listed). Returns those that still run.
     */
    private List<RemoteProcess> settle(RemoteShell shell, Map<Integer, RemoteProcess> targets, Duration grace) {
        long deadline = System.nanoTime() + (grace.compareTo(MIN_SETTLE) > 0 ? grace : MIN_SETTLE).toNanos();
        List<RemoteProcess> alive = collect(targets.values(), targets, processes(shell));
        while (!alive.isEmpty() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(TICK);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return alive;
            }
            alive = collect(targets.values(), targets, processes(shell));
        }
        return alive;
    }

    /**
     * Adds to {@code targets} the still-running processes of {@code wanted} and their descendants in
     * {@code snapshot}; returns those that run now.
     */
    private static List<RemoteProcess> collect(
            Collection<RemoteProcess> wanted, Map<Integer, RemoteProcess> targets, List<RemoteProcess> snapshot) {
        Map<Integer, RemoteProcess> live = snapshot.stream()
                .collect(Collectors.toMap(RemoteProcess::pid, Function.identity(), (a, b) -> a));
        List<RemoteProcess> running = new ArrayList<>();
        for (RemoteProcess w : List.copyOf(wanted)) {
            targets.putIfAbsent(w.pid(), w);
            RemoteProcess now = live.get(w.pid());
            if (now != null && sameProcess(w, now)) {
                running.add(now);
            }
        }
        List<RemoteProcess> tree = ProcessListing.withDescendants(running, snapshot);
        for (RemoteProcess p : tree) {
            targets.putIfAbsent(p.pid(), p);
        }
        return tree.stream().filter(p -> live.containsKey(p.pid())).toList();
    }

    private static boolean sameProcess(RemoteProcess wanted, RemoteProcess now) {
        return wanted.commandLine().isEmpty() || wanted.commandLine().equals(now.commandLine());
    }

    /** TERM all, poll until gone or grace is over, KILL the rest, wait briefly for them to go. */
    static String stopScript(List<RemoteProcess> processes, Duration grace) {
        String pids = processes.stream()
                .map(p -> ShellQuoting.quote(Integer.toString(validPid(p.pid()))))
                .collect(Collectors.joining(" "));
        long ticks = (grace.toMillis() + TICK.toMillis() - 1) / TICK.toMillis();
        return String.join("\n",
                ALIVE_FUNCTION,
                "set -- " + pids,
                "for p do kill -TERM \"$p\" 2>/dev/null; done",
                "i=0",
                "while [ \"$i\" -lt " + ticks + " ]; do",
                "  left=; for p do alive \"$p\" && left=\"$left $p\"; done",
                "  [ -z \"$left\" ] && break",
                "  sleep 0.2 2>/dev/null || sleep 1",
                "  i=$((i+1))",
                "done",
                "for p do alive \"$p\" && kill -KILL \"$p\" 2>/dev/null; done",
                "i=0",
                "while [ \"$i\" -lt 20 ]; do",
                "  left=; for p do alive \"$p\" && left=\"$left $p\"; done",
                "  [ -z \"$left\" ] && break",
                "  sleep 0.1 2>/dev/null || sleep 1",
                "  i=$((i+1))",
                "done",
                "for p do alive \"$p\" && echo \"alive $p\"; done",
                "exit 0",
                "");
    }

    private static int validPid(int pid) {
        if (pid < 2) {
            throw new InvalidInputException("refusing to signal pid " + pid);
        }
        return pid;
    }
}
