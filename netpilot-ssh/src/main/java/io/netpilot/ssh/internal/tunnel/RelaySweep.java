package io.netpilot.ssh.internal.tunnel;

import static io.netpilot.core.spi.ShellQuoting.quote;

import io.netpilot.core.AgentId;
import io.netpilot.core.CleanupToken;
import io.netpilot.core.InvalidInputException;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.core.spi.SweepReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's sweep of a shared relay: removes the key lines tagged {@code agent:<id>}, the session
 * markers holding its id (their sessions end themselves, or are ended at once where the account may
 * signal them) and the leases recording its id, of every tunnel not wanted any more. Lines, markers
 * and leases of other agents, and untagged ones of older agents, are never touched. Stateless.
 */
final class RelaySweep {
    private static final Logger LOG = LoggerFactory.getLogger(RelaySweep.class);

    private static final String SWEEP = RelayScripts.PREPARE_AND_LOCK
            + "drop=; if [ -r \"$AK\" ]; then while IFS= read -r l; do case $l in *\" np:\"*\" agent:$A\") "
            + "t=${l##* np:}; t=${t%% *}; case $W in *\" $t \"*) ;; *) drop=\"$drop $t\";; esac;; esac; done < \"$AK\"; fi; "
            + "if [ -n \"$drop\" ]; then set --; for t in $drop; do set -- \"$@\" -e \" np:$t \"; done; edit() { :; }; "
            + RelayScripts.REWRITE_KEYS + "[ $rc = 0 ] || exit 1; for t in $drop; do echo \"line $t\"; done; fi; "
            + "ended=; for f in \"$S\"/np_*; do [ -f \"$f\" ] || continue; t=${f##*/}; a=; read -r a < \"$f\"; [ \"$a\" = \"$A\" ] || continue; "
            + "case $W in *\" $t \"*) continue;; esac; rm -f \"$f\" && echo \"session $t\" && ended=\"$ended $t\"; done; "
            + "for d in \"$D\"/*; do p=${d##*/}; case $p in ''|*[!0-9]*) continue;; esac; a=; "
            + "[ -r \"$d/owner\" ] && read -r _ _ a _ < \"$d/owner\"; [ \"$a\" = \"$A\" ] || continue; "
            + "case $WP in *\" $p \"*) continue;; esac; rm -f \"$d/owner\" \"$d/owner.tmp\"; rmdir \"$d\" && echo \"lease $p\"; done; "
            + "exec 9>&-; " + RelayScripts.FORCED_OF + "for t in $ended; do set -- \"$t\"; " + RelayScripts.END_SESSIONS + "done; exit 0";

    private RelaySweep() {}

    static SweepReport sweep(RemoteShell relay, AgentId agent, Set<CleanupToken> wanted) {
        Objects.requireNonNull(agent, "agent");
        String tokens = wanted.stream().map(CleanupToken::value).sorted().collect(Collectors.joining(" "));
        String ports = new TreeSet<>(wanted.stream().map(CleanupToken::port).toList()).stream().map(String::valueOf)
                .collect(Collectors.joining(" "));
        String command = RelayScripts.PATHS + "A=" + quote(agent.value()) + "; W=" + quote(" " + tokens + " ") + "; WP="
                + quote(" " + ports + " ") + "; " + SWEEP;
        String out = relay.exec(command, RelayCommands.TIMEOUT).orThrow("sweeping " + relay.address() + " for agent " + agent).stdout();
        List<CleanupToken> lines = new ArrayList<>();
        List<CleanupToken> sessions = new ArrayList<>();
        List<Integer> leases = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.strip().split(" ");
            if (f.length != 2) {
                continue;
            }
            try {
                switch (f[0]) {
                    case "line" -> lines.add(new CleanupToken(f[1]));
                    case "session" -> sessions.add(new CleanupToken(f[1]));
                    case "lease" -> {
                        if (f[1].matches("[0-9]{1,5}")) {
                            leases.add(Integer.parseInt(f[1]));
                        }
                    }
                    default -> { }
                }
            } catch (InvalidInputException notOurs) {
                LOG.warn("relay {}: the sweep named something that is not a token: {}", relay.address(), line.strip());
            }
        }
        SweepReport report = new SweepReport(lines, sessions, leases);
        if (!report.isEmpty()) {
            LOG.info("relay {}: swept for agent {}: key lines {}, sessions {}, leases {}", relay.address(), agent, lines, sessions, leases);
        }
        return report;
    }
}
