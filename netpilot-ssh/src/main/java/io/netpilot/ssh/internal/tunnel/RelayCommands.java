package io.netpilot.ssh.internal.tunnel;

import io.netpilot.core.spi.CommandResult;
import io.netpilot.core.spi.RemoteShell;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Commands and parsers shared by the relay-side classes. Stateless, thread-safe. */
final class RelayCommands {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    /**
     * Prints the local address of every listening TCP socket ({@code 0100007F:4E20}): state {@code 0A}
     * in {@code /proc/net/tcp} and {@code tcp6}, which every Linux has, unlike {@code ss} or {@code netstat}.
     */
    static final String LISTENERS = "awk '$4 == \"0A\" { print $2 }' /proc/net/tcp /proc/net/tcp6 2>/dev/null";

    private RelayCommands() {}

    /** The ports in {@link #LISTENERS}' output. */
    static Set<Integer> listeningPorts(String listenersOutput) {
        Set<Integer> ports = new TreeSet<>();
        for (String line : listenersOutput.split("\n")) {
            String s = line.strip();
            int colon = s.lastIndexOf(':');
            if (colon > 0 && s.substring(colon + 1).matches("[0-9A-Fa-f]{4}")) {
                ports.add(Integer.parseInt(s.substring(colon + 1), 16));
            }
        }
        return ports;
    }

    static Set<Integer> listeningPorts(RemoteShell relay) {
        CommandResult result = relay.exec(LISTENERS, TIMEOUT).orThrow("listing the listening ports of " + relay.address());
        return listeningPorts(result.stdout());
    }

    /** One line of {@code ps -o pid,ppid,args}. */
    record Proc(int pid, int ppid, String args) {}

    /** {@code ps} with a parent column: procps takes {@code -e}, busybox ignores it. */
    // -ww: a session's token is the last word of its command line, which procps cuts at the width COLUMNS
    // asks for (a relay account's profile may set it); busybox has no -ww and falls back.
    static final String PS = "ps -ww -eo pid,ppid,args 2>/dev/null || ps -o pid,ppid,args";

    static List<Proc> processes(String psOutput) {
        List<Proc> procs = new ArrayList<>();
        for (String line : psOutput.split("\n")) {
            String[] f = line.strip().split("\\s+", 3);
            if (f.length == 3 && f[0].matches("[0-9]{1,9}") && f[1].matches("[0-9]{1,9}")) {
                procs.add(new Proc(Integer.parseInt(f[0]), Integer.parseInt(f[1]), f[2]));
            }
        }
        return procs;
    }
}
