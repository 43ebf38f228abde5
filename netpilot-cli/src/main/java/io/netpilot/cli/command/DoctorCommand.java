package io.netpilot.cli.command;

import io.netpilot.cli.internal.Agents;
import io.netpilot.cli.internal.ExitCode;

import io.netpilot.core.Credentials;
import io.netpilot.core.HostKeyPolicy;
import io.netpilot.core.NetPilotException;
import io.netpilot.core.SshAddress;
import io.netpilot.core.spi.RemoteShell;
import io.netpilot.ssh.SshSettings;
import io.netpilot.ssh.SshTransport;
import io.netpilot.state.AgentLock;
import io.netpilot.state.NetPilotHome;
import io.netpilot.state.UserConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code netpilot doctor}: one line per check, OK/WARN/FAIL, and what to do. */
@Command(
        name = "doctor",
        description = {
            "Check the home (permissions, lock, unreadable state files), the relay (reachable, host key pinned,",
            "key login, tunnel account restrictions) and, with --router, the router (reachable, key login, which",
            "tools it has: autossh, ssh or dbclient, setsid, ps flavour). One line per check: OK, WARN or FAIL,",
            "with what to do. Exits 1 when any check FAILs."
        },
        footer = {"  netpilot doctor --relay tunnel@relay.example.com", "  netpilot doctor --router root@192.168.1.1"})
final class DoctorCommand extends Subcommand {
    @Option(names = "--relay", paramLabel = "USER@HOST[:PORT]", description = "The relay (default: \"relay\" in config.json).")
    String relay;

    @Option(names = "--router", paramLabel = "USER@HOST[:PORT]", description = "Also check this router.")
    String router;

    @Option(names = "--tunnel-user", paramLabel = "USER", defaultValue = "tunnel",
            description = "The relay account routers log in to (default: ${DEFAULT-VALUE}); see docs/relay-setup.md.")
    String tunnelUser;

    private final List<String> failures = new ArrayList<>();

    @Override
    public Integer call() {
        Path homePath = root.homePath();
        Optional<SshAddress> relayAddress = Optional.ofNullable(relay).or(() -> UserConfig.read(homePath.resolve("config.json")).relay()).map(SshAddress::parse);
        Optional<SshAddress> routerAddress = Optional.ofNullable(router).map(SshAddress::parse);
        checkHome(homePath);
        if (relayAddress.isEmpty() && routerAddress.isEmpty()) {
            line("WARN", "relay", "no relay given; pass --relay USER@HOST or set \"relay\" in config.json");
        }
        if (relayAddress.isPresent() || routerAddress.isPresent()) {
            NetPilotHome home = root.openHome();
            try (SshTransport ssh = SshTransport.start(SshSettings.builder(home.knownHostsFile(), home.agentKeyFile())
                    .connectTimeout(Duration.ofSeconds(8)).build())) {
                relayAddress.ifPresent(a -> checkRelay(ssh, a));
                routerAddress.ifPresent(a -> checkRouter(ssh, a));
            }
        }
        return failures.isEmpty() ? ExitCode.OK : ExitCode.FAILED;
    }

    private void checkHome(Path home) {
        if (!Files.isDirectory(home)) {
            line("WARN", "home", home + " does not exist yet; the first connect or agent creates it");
            return;
        }
        try {
            String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(home));
            line(perms.equals("rwx------") ? "OK" : "FAIL", "home", home + " is " + perms
                    + (perms.equals("rwx------") ? "" : "; run: chmod 700 " + home));
            try (Stream<Path> files = Files.list(home)) {
                for (Path f : files.toList()) {
                    String name = f.getFileName().toString();
                    if (name.contains(".corrupt-")) {
                        line("WARN", "state", f + " was set aside as unreadable; inspect it, then delete it");
                    } else if (Files.isRegularFile(f) && !PosixFilePermissions.toString(Files.getPosixFilePermissions(f)).equals("rw-------")) {
                        line("WARN", "home", f + " is readable by others; run: chmod 600 " + f);
                    }
                }
            }
        } catch (IOException e) {
            line("FAIL", "home", "cannot read " + home + ": " + e.getMessage());
        }
        boolean agent = Agents.attach(home).isPresent();
        line("OK", "agent", agent ? "an agent is running (pid " + AgentLock.recordedPid(NetPilotHome.at(home)).orElse(-1) + ")" : "no agent running");
    }

    private void checkRelay(SshTransport ssh, SshAddress relayAddress) {
        try (RemoteShell shell = ssh.open(relayAddress, Credentials.AGENT_KEY, HostKeyPolicy.PINNED_ONLY)) {
            line("OK", "relay", "logged in to " + relayAddress + " with the agent key (host key pinned)");
            RelayDoctor.check(shell, tunnelUser, this::line);
        } catch (NetPilotException e) {
            line("FAIL", "relay", e.getMessage());
        }
    }

    private void checkRouter(SshTransport ssh, SshAddress routerAddress) {
        try (RemoteShell shell = ssh.open(routerAddress, Credentials.AGENT_KEY, HostKeyPolicy.PINNED_ONLY)) {
            line("OK", "router", "logged in to " + routerAddress + " with the agent key (host key pinned)");
            for (String tool : List.of("autossh", "ssh", "dbclient", "setsid", "dropbearkey", "ssh-keygen")) {
                boolean has = shell.exec("command -v " + tool + " >/dev/null 2>&1", Duration.ofSeconds(10)).succeeded();
                line(has ? "OK" : "WARN", "router", tool + (has ? " present" : " missing"));
            }
            boolean client = shell.exec("command -v ssh >/dev/null 2>&1 || command -v dbclient >/dev/null 2>&1", Duration.ofSeconds(10)).succeeded();
            if (!client) {
                line("FAIL", "router", "neither ssh nor dbclient: install openssh-client or dropbear's dbclient");
            }
            String ps = shell.exec("ps --version 2>&1 | head -1; readlink -f \"$(command -v ps)\"", Duration.ofSeconds(10)).stdout();
            line("OK", "router", "ps is " + (ps.contains("busybox") ? "busybox" : ps.contains("procps") ? "procps" : "unknown: " + ps.strip()));
        } catch (NetPilotException e) {
            line("FAIL", "router", e.getMessage());
        }
    }

    private void line(String level, String area, String message) {
        if ("FAIL".equals(level)) {
            failures.add(message);
        }
        String painted = switch (level) {
            case "OK" -> root.console.paint("32", "OK  ");
            case "WARN" -> root.console.paint("33", "WARN");
            default -> root.console.paint("31", "FAIL");
        };
        root.console.println(painted + " " + String.format("%-7s", area) + " " + message);
    }
}
