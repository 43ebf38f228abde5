package io.netpilot.cli.internal;

import io.netpilot.core.InvalidInputException;
import io.netpilot.core.NetPilotException;
import io.netpilot.state.AgentLock;
import io.netpilot.state.NetPilotHome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Starts the agent with the user's session: on Linux a systemd user unit ({@code netpilot-agent.service})
 * and an XDG autostart entry for the desktop app. Both name the launchers of an installed distribution
 * ({@code INSTALL/bin/netpilot}, {@code INSTALL/bin/netpilot-desktop}), never a build tree, which a
 * {@code mvn clean} or a moved checkout would break: from a build tree {@link #install} refuses and says
 * where the distribution is. Elsewhere than Linux it says what to do instead. Not thread-safe.
 */
public final class Autostart {
    static final String UNIT = "netpilot-agent.service";
    static final String DESKTOP_ENTRY = "netpilot-desktop.desktop";

    private final Path configHome;
    private final Path netpilotHome;
    private final String launcher;
    private final boolean linux;

    /** {@code launcher}: the {@code netpilot} command that started this JVM ({@code $NETPILOT_LAUNCHER}), or "". */
    Autostart(Path configHome, Path netpilotHome, String launcher, boolean linux) {
        this.configHome = configHome;
        this.netpilotHome = netpilotHome;
        this.launcher = launcher;
        this.linux = linux;
    }

    /** For the current user: {@code $XDG_CONFIG_HOME} or {@code ~/.config}; the launcher from {@code $NETPILOT_LAUNCHER}. */
    public static Autostart forThisUser(Path netpilotHome) {
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path config = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        String launcher = System.getenv("NETPILOT_LAUNCHER");
        return new Autostart(config, netpilotHome, launcher == null ? "" : launcher,
                System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux"));
    }

    Path unitFile() {
        return configHome.resolve("systemd/user").resolve(UNIT);
    }

    Path desktopEntry() {
        return configHome.resolve("autostart").resolve(DESKTOP_ENTRY);
    }

    /**
     * The install directory of the distribution this command runs from: the launcher is
     * {@code INSTALL/bin/netpilot} next to {@code INSTALL/runtime} and {@code INSTALL/lib}, and INSTALL is
     * not a build's output ({@code .../target/...} of a Maven project).
     */
    Path installDir() {
        Optional<Path> dir = Optional.of(launcher).filter(l -> !l.isBlank()).map(l -> Path.of(l).toAbsolutePath().normalize())
                .filter(l -> l.getParent() != null && l.getParent().getFileName() != null
                        && l.getParent().getFileName().toString().equals("bin"))
                .map(l -> l.getParent().getParent())
                .filter(d -> Files.isExecutable(d.resolve("runtime/bin/java")) && Files.isDirectory(d.resolve("lib")));
        if (dir.isEmpty()) {
            throw new InvalidInputException("autostart needs an installed NetPilot: this one runs from a build tree ("
                    + (launcher.isBlank() ? "no launcher" : launcher) + "), and units pointing into it break when it is"
                    + " cleaned or moved. Unpack the archive the build made (netpilot-cli/target/netpilot-VERSION-linux-x64.tar.gz),"
                    + " e.g. into ~/.local/opt, and run its bin/netpilot autostart install");
        }
        for (Path p = dir.get(); p != null && p.getParent() != null; p = p.getParent()) {
            if (p.getFileName().toString().equals("target") && Files.exists(p.getParent().resolve("pom.xml"))) {
                throw new InvalidInputException("autostart needs an installed NetPilot: " + dir.get() + " is a build's"
                        + " output, which the next clean removes. Unpack " + p.getFileName() + "/netpilot-VERSION-linux-x64.tar.gz"
                        + " elsewhere (e.g. ~/.local/opt) and run its bin/netpilot autostart install");
            }
        }
        return dir.get();
    }

    public List<String> install() {
        if (!linux) {
            return List.of("autostart is automated on Linux only; on this system, start 'netpilot agent' at login "
                    + "with the system's own mechanism (launchd on macOS, Task Scheduler on Windows)");
        }
        Path install = installDir();
        Path agent = install.resolve("bin/netpilot");
        List<String> lines = new ArrayList<>();
        write(unitFile(), """
                [Unit]
                Description=NetPilot agent: keeps wanted router tunnels up, cleans them up on stop
                Wants=network-online.target
                After=network-online.target

                [Service]
                ExecStart=%s --home %s agent
                Restart=on-failure
                RestartSec=5
                KillSignal=SIGTERM
                # The JVM reports a SIGTERM stop as 143 after its cleanup hook has run: a clean stop.
                SuccessExitStatus=143
                TimeoutStopSec=45

                [Install]
                WantedBy=default.target
                """.formatted(quote(agent.toString()), quote(netpilotHome.toAbsolutePath().toString())));
        lines.add("wrote " + unitFile() + " (runs " + agent + ")");
        Path desktop = install.resolve("bin/netpilot-desktop");
        if (Files.isExecutable(desktop)) {
            write(desktopEntry(), """
                    [Desktop Entry]
                    Type=Application
                    Name=NetPilot
                    Comment=Router tunnels for support technicians
                    Exec=%s
                    X-GNOME-Autostart-enabled=true
                    """.formatted(quote(desktop.toString())));
            lines.add("wrote " + desktopEntry() + " (runs " + desktop + ")");
        } else {
            lines.add("no desktop app in this install (" + desktop + " is missing): no XDG autostart entry written");
        }
        if (systemctl("daemon-reload") && systemctl("enable", UNIT)) {
            lines.add("enabled " + UNIT + " (starts at your next login; now: systemctl --user start " + UNIT + ")");
        } else {
            lines.add("no systemd user session here; when there is one run: systemctl --user daemon-reload && systemctl --user enable --now " + UNIT);
        }
        lines.add("systemd stops user services when you log out and starts them only at login; to keep the agent"
                + " running without a session and start it at boot, turn lingering on: loginctl enable-linger " + System.getProperty("user.name"));
        return lines;
    }

    public List<String> uninstall() {
        List<String> lines = new ArrayList<>();
        if (Files.exists(unitFile())) {
            systemctl("disable", UNIT);
        }
        for (Path p : List.of(unitFile(), desktopEntry())) {
            try {
                lines.add((Files.deleteIfExists(p) ? "removed " : "not installed: ") + p);
            } catch (IOException e) {
                throw new NetPilotException("could not remove " + p + ": " + e.getMessage(), e);
            }
        }
        systemctl("daemon-reload");
        return lines;
    }

    /** Whether the unit and the entry are there, what they run, and whether the agent is enabled and running. */
    public List<String> status() {
        List<String> lines = new ArrayList<>();
        lines.add(describe(unitFile(), "ExecStart="));
        lines.add(describe(desktopEntry(), "Exec="));
        String enabled = systemctlOutput("is-enabled", UNIT).orElse("unknown (no systemd user session)");
        String active = systemctlOutput("is-active", UNIT).orElse("unknown (no systemd user session)");
        lines.add("enabled: " + enabled + "; unit active: " + active);
        OptionalLong pid = Files.isDirectory(netpilotHome) ? AgentLock.recordedPid(NetPilotHome.at(netpilotHome)) : OptionalLong.empty();
        lines.add(pid.isPresent() && ProcessHandle.of(pid.getAsLong()).map(ProcessHandle::isAlive).orElse(false)
                ? "agent: running (pid " + pid.getAsLong() + ") for " + netpilotHome
                : "agent: not running for " + netpilotHome);
        return lines;
    }

    private static String describe(Path file, String execKey) {
        if (!Files.isRegularFile(file)) {
            return "not installed: " + file;
        }
        try {
            String exec = Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith(execKey))
                    .map(l -> l.substring(execKey.length())).findFirst().orElse("?");
            return "installed: " + file + " (runs " + exec + ")";
        } catch (IOException e) {
            return "installed: " + file + " (unreadable: " + e.getMessage() + ")";
        }
    }

    /** Double quotes as both systemd's ExecStart and the Desktop Entry Exec key read them. */
    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new NetPilotException("could not write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code systemctl --user ARGS}, bounded; false when there is no user manager to talk to. */
    private static boolean systemctl(String... args) {
        return run(args).map(r -> r.exit == 0).orElse(false);
    }

    /** The first line systemctl printed (e.g. "enabled", "inactive"), or empty when no user manager answered. */
    private static Optional<String> systemctlOutput(String... args) {
        return run(args).map(r -> r.firstLine).filter(l -> !l.isBlank() && !l.startsWith("Failed"));
    }

    private record Outcome(int exit, String firstLine) {}

    private static Optional<Outcome> run(String... args) {
        List<String> command = new ArrayList<>(List.of("systemctl", "--user"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return Optional.of(new Outcome(p.exitValue(), out.lines().findFirst().orElse("").trim()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
