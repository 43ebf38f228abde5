package io.netpilot.ssh.internal;

import io.netpilot.core.InvalidInputException;
import io.netpilot.core.RemoteProcess;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one remote command that lists processes on procps and busybox alike, and the parser of its
 * output. Zombies and processes being torn down are left out: they have exited, and a stop must not
 * count them as survivors. The script tries, in order: procps {@code ps -eo} without headers (with
 * the state column, then without); busybox {@code ps -o pid,ppid,user,stat,args}, then without stat; plain {@code ps} plus every {@code /proc/<pid>/stat} for the
 * parents. Each section starts with a marker line so the parser knows what it reads. Stateless.
 */
final class ProcessListing {
    static final String SCRIPT = String.join("\n",
            "o=$(ps -ww -eo pid=,ppid=,user=,stat=,args= 2>/dev/null) && [ -n \"$o\" ] && { echo '@@np:pid-ppid-user-stat-args'; printf '%s\\n' \"$o\"; exit 0; }",
            "o=$(ps -ww -eo pid=,ppid=,user=,args= 2>/dev/null) && [ -n \"$o\" ] && { echo '@@np:pid-ppid-user-args'; printf '%s\\n' \"$o\"; exit 0; }",
            "o=$(ps -o pid,ppid,user,stat,args 2>/dev/null) && [ -n \"$o\" ] && { echo '@@np:header'; printf '%s\\n' \"$o\"; exit 0; }",
            "o=$(ps -o pid,ppid,user,args 2>/dev/null) && [ -n \"$o\" ] && { echo '@@np:header'; printf '%s\\n' \"$o\"; exit 0; }",
            "echo '@@np:header'; ps 2>/dev/null",
            "echo '@@np:stat'",
            "for f in /proc/[0-9]*/stat; do [ -r \"$f\" ] && { read -r l < \"$f\" && printf '%s\\n' \"$l\"; } 2>/dev/null; done",
            "exit 0",
            "");

    private static final Pattern FULL_LINE = Pattern.compile("\\s*(\\d+)\\s+(\\d+)\\s+(\\S+)\\s?(.*)");
    private static final Pattern STAT_FULL_LINE = Pattern.compile("\\s*(\\d+)\\s+(\\d+)\\s+(\\S+)\\s+(\\S+)\\s?(.*)");
    private static final Pattern STAT_LINE = Pattern.compile("(\\d+) \\(.*\\) (\\S) (\\d+)( .*)?", Pattern.DOTALL);

    private ProcessListing() {}

    /** Parses the script's output; lines that do not parse are skipped, never guessed at. */
    static List<RemoteProcess> parse(String output) {
        Map<Integer, RemoteProcess> byPid = new LinkedHashMap<>();
        Map<Integer, Integer> statParents = new HashMap<>();
        Set<Integer> zombies = new TreeSet<>();
        String section = "";
        List<String> header = null;
        for (String line : output.split("\n", -1)) {
            if (line.startsWith("@@np:")) {
                section = line.substring(5).strip();
                header = null;
                continue;
            }
            if (line.isBlank()) {
                continue;
            }
            switch (section) {
                case "pid-ppid-user-args" -> full(line).ifPresent(p -> byPid.putIfAbsent(p.pid(), p));
                case "pid-ppid-user-stat-args" -> {
                    Matcher m = STAT_FULL_LINE.matcher(line);
                    if (m.matches() && !gone(m.group(4))) {
                        process(m.group(1), m.group(2), m.group(3), m.group(5)).ifPresent(p -> byPid.putIfAbsent(p.pid(), p));
                    }
                }
                case "header" -> {
                    if (header == null) {
                        header = headerOf(line);
                        if (header == null) {
                            // No header at all: treat as PID PPID USER ARGS if it fits.
                            full(line).ifPresent(p -> byPid.putIfAbsent(p.pid(), p));
                        }
                        continue;
                    }
                    withHeader(header, line).ifPresent(p -> byPid.putIfAbsent(p.pid(), p));
                }
                case "stat" -> {
                    Matcher m = STAT_LINE.matcher(line);
                    if (m.matches()) {
                        try {
                            int pid = Integer.parseInt(m.group(1));
                            statParents.put(pid, Integer.parseInt(m.group(3)));
                            if (gone(m.group(2))) {
                                zombies.add(pid);
                            }
                        } catch (NumberFormatException ignored) {
                            // out of int range: not a pid
                        }
                    }
                }
                default -> { /* text before any marker: ignore */ }
            }
        }
        List<RemoteProcess> result = new ArrayList<>();
        for (RemoteProcess p : byPid.values()) {
            if (zombies.contains(p.pid())) {
                continue;
            }
            if (p.ppid() == 0 && statParents.containsKey(p.pid())) {
                result.add(new RemoteProcess(p.pid(), statParents.get(p.pid()), p.user(), p.commandLine()));
            } else {
                result.add(p);
            }
        }
        return List.copyOf(result);
    }

    /** A zombie ({@code Z}) or a process being torn down ({@code X}): it has exited, whatever {@code ps} still lists. */
    static boolean gone(String stat) {
        return stat.startsWith("Z") || stat.startsWith("X");
    }

    private static java.util.Optional<RemoteProcess> full(String line) {
        Matcher m = FULL_LINE.matcher(line);
        if (!m.matches()) {
            return java.util.Optional.empty();
        }
        return process(m.group(1), m.group(2), m.group(3), m.group(4));
    }

    private static List<String> headerOf(String line) {
        List<String> cols = List.of(line.strip().toUpperCase(Locale.ROOT).split("\\s+"));
        return cols.contains("PID") ? cols : null;
    }

    private static java.util.Optional<RemoteProcess> withHeader(List<String> header, String line) {
        String[] parts = line.strip().split("\\s+", header.size());
        if (parts.length < header.size() - 1) {
            return java.util.Optional.empty();
        }
        String pid = null;
        String ppid = "0";
        String user = "";
        String args = "";
        for (int i = 0; i < header.size() && i < parts.length; i++) {
            switch (header.get(i)) {
                case "PID" -> pid = parts[i];
                case "PPID" -> ppid = parts[i];
                case "USER", "UID" -> user = parts[i];
                case "COMMAND", "CMD", "ARGS" -> args = i == header.size() - 1 ? parts[i] : args;
                case "STAT", "S" -> {
                    if (gone(parts[i])) {
                        return java.util.Optional.empty();
                    }
                }
                default -> { /* VSZ, STAT, TIME...: not needed */ }
            }
        }
        return pid == null ? java.util.Optional.empty() : process(pid, ppid, user, args);
    }

    private static java.util.Optional<RemoteProcess> process(String pid, String ppid, String user, String args) {
        try {
            return java.util.Optional.of(new RemoteProcess(Integer.parseInt(pid), Integer.parseInt(ppid), user, args.strip()));
        } catch (NumberFormatException | InvalidInputException notAProcess) {
            return java.util.Optional.empty();
        }
    }

    /** {@code roots} with every descendant in {@code all}, in the order of {@code all}. */
    static List<RemoteProcess> withDescendants(Collection<RemoteProcess> roots, List<RemoteProcess> all) {
        Map<Integer, List<RemoteProcess>> children = new HashMap<>();
        for (RemoteProcess p : all) {
            if (p.ppid() != p.pid()) {
                children.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(p);
            }
        }
        Set<Integer> wanted = new java.util.HashSet<>();
        java.util.ArrayDeque<Integer> todo = new java.util.ArrayDeque<>();
        for (RemoteProcess r : roots) {
            if (wanted.add(r.pid())) {
                todo.add(r.pid());
            }
        }
        while (!todo.isEmpty()) {
            for (RemoteProcess c : children.getOrDefault(todo.poll(), List.of())) {
                if (wanted.add(c.pid())) {
                    todo.add(c.pid());
                }
            }
        }
        List<RemoteProcess> result = new ArrayList<>();
        Set<Integer> seen = new java.util.HashSet<>();
        for (RemoteProcess p : all) {
            if (wanted.contains(p.pid()) && seen.add(p.pid())) {
                result.add(p);
            }
        }
        for (RemoteProcess r : roots) {
            if (seen.add(r.pid())) {
                result.add(r);
            }
        }
        return List.copyOf(result);
    }
}
