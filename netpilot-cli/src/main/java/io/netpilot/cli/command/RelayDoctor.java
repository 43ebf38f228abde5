package io.netpilot.cli.command;

import io.netpilot.core.spi.RemoteShell;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The relay half of {@code doctor}: one remote command gathers the facts of
 * {@code docs/relay-setup.md} (layout, modes and owners, tools, router key lines and, where the agent's
 * account may run it, {@code sshd -T} for the tunnel account), then each is judged on its own line.
 * Stateless.
 */
final class RelayDoctor {
    /** The effective settings the tunnel account needs, as {@code sshd -T} prints them. */
    private static final Map<String, String> TUNNEL_SETTINGS = Map.of(
            "allowtcpforwarding", "remote", "allowstreamlocalforwarding", "no", "allowagentforwarding", "no",
            "x11forwarding", "no", "permittty", "no", "permittunnel", "no", "gatewayports", "no");
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}");

    interface Lines {
        void line(String level, String area, String message);
    }

    private RelayDoctor() {}

    static void check(RemoteShell shell, String tunnelUser, Lines out) {
        if (!USER.matcher(tunnelUser).matches()) {
            out.line("FAIL", "relay", "--tunnel-user '" + tunnelUser + "' is not an account name");
            return;
        }
        String script = "R=\"${NETPILOT_RELAY_DIR:-$HOME/.netpilot-relay}\"; echo \"user=$(id -un)\"; "
                + "[ -f \"$R/router_keys\" ] && echo layout=two || echo layout=one; "
                + "for t in flock ps; do command -v $t >/dev/null 2>&1 && echo \"tool.$t=yes\" || echo \"tool.$t=no\"; done; "
                + "for f in \"$R\" \"$R/sessions\" \"$R/leases\" \"$R/router_keys\"; do [ -e \"$f\" ] && echo \"mode.${f##*/}=$(stat -c '%a %U' \"$f\")\"; done; "
                + "if [ -f \"$R/router_keys\" ]; then K=\"$R/router_keys\"; else K=\"$HOME/.ssh/authorized_keys\"; fi; "
                + "grep -c ' np:np_' \"$K\" 2>/dev/null | sed 's/^/lines=/'; "
                + "grep ' np:np_' \"$K\" 2>/dev/null | grep -v -c '^restrict,.*permitlisten=.*permitopen=' | sed 's/^/weak=/'; "
                + "for s in /usr/sbin/sshd /usr/local/sbin/sshd; do [ -x $s ] && { $s -T -C user=" + tunnelUser
                + ",host=doctor,addr=127.0.0.1 2>/dev/null | sed 's/^/sshd./'; break; }; done; exit 0";
        Map<String, String> facts = new HashMap<>();
        for (String l : shell.exec(script, Duration.ofSeconds(20)).stdout().split("\n")) {
            int eq = l.indexOf('=');
            int sp = l.indexOf(' ');
            if (l.startsWith("sshd.") && sp > 0) {
                facts.put(l.substring(0, sp), l.substring(sp + 1).strip());
            } else if (eq > 0) {
                facts.put(l.substring(0, eq), l.substring(eq + 1).strip());
            }
        }
        String user = facts.getOrDefault("user", "?");
        boolean two = "two".equals(facts.get("layout"));
        if (two && !user.equals(tunnelUser)) {
            out.line("OK", "relay", "two accounts: the agent is " + user + ", routers log in as " + tunnelUser);
        } else {
            out.line("WARN", "relay", "one account for the agent and the routers (" + user + "): a router is one account away from the"
                    + " agent's files and AllowTcpForwarding remote cannot be used; move to two accounts (docs/relay-setup.md, sections 1-2)");
        }
        for (String tool : List.of("flock", "ps")) {
            boolean has = "yes".equals(facts.get("tool." + tool));
            out.line(has ? "OK" : "FAIL", "relay", tool + (has ? " present" : " missing: install it (util-linux / procps)"));
        }
        checkMode(facts, ".netpilot-relay", "711", user, out);
        checkMode(facts, "sessions", "711", user, out);
        checkMode(facts, "leases", "700", user, out);
        if (two) {
            checkMode(facts, "router_keys", "600", user, out);
        }
        String weak = facts.getOrDefault("weak", "0");
        out.line("0".equals(weak) ? "OK" : "FAIL", "relay", facts.getOrDefault("lines", "0") + " router key(s) authorized, "
                + ("0".equals(weak) ? "all limited to listening on their own port"
                        : weak + " without restrict+permitlisten+permitopen (they can reach other routers): disconnect and reconnect those tunnels"));
        if (facts.keySet().stream().noneMatch(k -> k.startsWith("sshd."))) {
            out.line("WARN", "relay", "cannot read the effective sshd settings as " + user + " (sshd -T needs root): run as root on the relay: "
                    + "sshd -T -C user=" + tunnelUser + ",host=x,addr=127.0.0.1 and compare with docs/relay-setup.md section 2");
            return;
        }
        TUNNEL_SETTINGS.forEach((key, want) -> {
            String have = facts.getOrDefault("sshd." + key, "?");
            out.line(have.equals(want) ? "OK" : (two ? "FAIL" : "WARN"), "relay", "sshd for " + tunnelUser + ": " + key + " " + have
                    + (have.equals(want) ? "" : "; set '" + key + " " + want + "' in its Match block"));
        });
    }

    private static void checkMode(Map<String, String> facts, String name, String mode, String owner, Lines out) {
        String have = facts.get("mode." + name);
        if (have == null) {
            out.line("WARN", "relay", "~/.netpilot-relay/" + (name.equals(".netpilot-relay") ? "" : name) + " does not exist yet (the agent makes it)");
        } else if (!have.equals(mode + " " + owner)) {
            out.line("FAIL", "relay", name + " is '" + have + "', want mode " + mode + " owned by " + owner + " (docs/relay-setup.md, section 1)");
        } else {
            out.line("OK", "relay", name + " is " + mode + " and owned by " + owner);
        }
    }
}
