package io.netpilot.cli.internal;

import io.netpilot.core.NetPilotException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Starts the agent with the user's session: on Linux a systemd user unit ({@code netpilot-agent.service})
 * and an XDG autostart entry for the desktop app. Elsewhere it says what to do instead. Not thread-safe.
 */
public final class Autostart {
    static final String UNIT = "netpilot-agent.service";
    static final String DESKTOP_ENTRY = "netpilot-desktop.desktop";

    private final Path configHome;
    private final Path netpilotHome;
    private final String launcher;
    private final boolean linux;

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
        if (launcher == null || launcher.isBlank()) {
            launcher = ProcessHandle.current().info().command().orElse("java") + " -m io.netpilot.cli/io.netpilot.cli.Main";
        }
        return new Autostart(config, netpilotHome, launcher,
                System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux"));
    }

    Path unitFile() {
        return configHome.resolve("systemd/user").resolve(UNIT);
    }

    Path desktopEntry() {
        return configHome.resolve("autostart").resolve(DESKTOP_ENTRY);
    }

    public List<String> install() {
        if (!linux) {
            return List.of("autostart is automated on Linux only; on this system, start 'netpilot agent' at login "
                    + "with the system's own mechanism (launchd on macOS, Task Scheduler on Windows)");
        }
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
                """.formatted(launcher, quoteForSystemd(netpilotHome.toString())));
        lines.add("wrote " + unitFile());
        write(desktopEntry(), """
                [Desktop Entry]
                Type=Application
                Name=NetPilot
                Comment=Router tunnels for support technicians
                Exec=%s-desktop
                X-GNOME-Autostart-enabled=true
                """.formatted(launcher.split(" ")[0]));
        lines.add("wrote " + desktopEntry());
        if (systemctl("daemon-reload") && systemctl("enable", UNIT)) {
            lines.add("enabled " + UNIT + " (starts at your next login; now: systemctl --user start " + UNIT + ")");
        } else {
            lines.add("no systemd user session here; when there is one run: systemctl --user daemon-reload && systemctl --user enable --now " + UNIT);
        }
        lines.add("to start before login too: loginctl enable-linger " + System.getProperty("user.name"));
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

    public List<String> status() {
        return List.of(
                (Files.isRegularFile(unitFile()) ? "installed: " : "not installed: ") + unitFile(),
                (Files.isRegularFile(desktopEntry()) ? "installed: " : "not installed: ") + desktopEntry());
    }

    private static String quoteForSystemd(String value) {
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
        List<String> command = new ArrayList<>(List.of("systemctl", "--user"));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
