package io.netpilot.desktop;

import com.formdev.flatlaf.FlatDarkLaf;
import com.formdev.flatlaf.FlatLightLaf;
import io.netpilot.desktop.presentation.ConnectFlow;
import io.netpilot.desktop.presentation.Session;
import io.netpilot.desktop.presentation.Theme;
import io.netpilot.desktop.presentation.TunnelsModel;
import jakarta.inject.Inject;
import java.awt.BorderLayout;
import java.awt.Dialog;
import java.awt.EventQueue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.swing.BorderFactory;
import javax.swing.JDialog;
import javax.swing.JLabel;
import javax.swing.JOptionPane;
import javax.swing.JProgressBar;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app: the look and feel, the main window, the tray, and the clean exit. Swing work runs on the
 * EDT; the agent's calls run on worker threads. A test driver (a class named by the system property
 * {@code netpilot.desktop.testDriver}, loaded only then) gets the app once its window shows.
 */
final class DesktopApp {
    static final String TEST_DRIVER_PROPERTY = "netpilot.desktop.testDriver";
    private static final Logger LOG = LoggerFactory.getLogger(DesktopApp.class);

    private final Session session;
    private final TunnelsModel tunnels;
    private final ConnectFlow.KeyInstaller keyInstaller;
    private final Path home;
    private MainWindow window;
    private Tray tray;

    @Inject
    DesktopApp(Session session, TunnelsModel tunnels, ConnectFlow.KeyInstaller keyInstaller, @HomeDir Path home) {
        this.session = session;
        this.tunnels = tunnels;
        this.keyInstaller = keyInstaller;
        this.home = home;
    }

    void start() {
        boolean dark = Theme.prefersDark(command("gsettings", "get", "org.gnome.desktop.interface", "color-scheme"),
                Optional.ofNullable(System.getenv("GTK_THEME")).or(() -> command("gsettings", "get", "org.gnome.desktop.interface", "gtk-theme")));
        EventQueue.invokeLater(() -> {
            if (dark) {
                FlatDarkLaf.setup();
            } else {
                FlatLightLaf.setup();
            }
            window = new MainWindow(this, session, tunnels, home);
            tray = Tray.install(this, tunnels);
            window.show();
            Optional.ofNullable(System.getProperty(TEST_DRIVER_PROPERTY)).ifPresent(this::runTestDriver);
        });
    }

    MainWindow window() {
        return window;
    }

    boolean hasTray() {
        return tray != null;
    }

    ConnectFlow connectFlow() {
        return new ConnectFlow(session.agent(), keyInstaller, (host, fingerprint) -> Swing.askOnEdt(() -> JOptionPane.showConfirmDialog(window.frame(),
                "The host key of " + host + " is not known yet.\n\nFingerprint: " + fingerprint
                        + "\n\nCompare it with the one the machine shows (ssh-keygen -lf on its host key).\nAccept and pin this key?",
                "New host key", JOptionPane.YES_NO_OPTION, JOptionPane.WARNING_MESSAGE) == JOptionPane.YES_OPTION));
    }

    /** Shows the main window again (from the tray). */
    void show() {
        window.show();
    }

    /** Closing the window: quit, or ask keep-in-tray or quit while tunnels are up. */
    void windowClosing() {
        switch (session.onClose(tunnels.running(), hasTray())) {
            case QUIT -> quit();
            case ASK_KEEP_OR_QUIT -> {
                Object[] options = {"Keep running in the tray", "Quit"};
                int answer = JOptionPane.showOptionDialog(window.frame(),
                        tunnels.running() + " tunnel(s) are up. Keep them running in the tray, or quit (stopping them on the routers)?",
                        "NetPilot", JOptionPane.DEFAULT_OPTION, JOptionPane.QUESTION_MESSAGE, null, options, options[0]);
                if (answer == 0) {
                    window.frame().setVisible(false);
                } else if (answer == 1) {
                    quit();
                }
            }
            case ASK_QUIT_OR_CANCEL -> {
                int answer = JOptionPane.showConfirmDialog(window.frame(),
                        tunnels.running() + " tunnel(s) are up. Quit and stop them on the routers?", "NetPilot", JOptionPane.OK_CANCEL_OPTION);
                if (answer == JOptionPane.OK_OPTION) {
                    quit();
                }
            }
        }
    }

    /** The clean exit, with a small progress dialog, then the JVM exits. */
    void quit() {
        if (session.quitting()) {
            return;
        }
        JDialog progress = new JDialog(window.frame(), "Quitting NetPilot", Dialog.ModalityType.MODELESS);
        JLabel text = new JLabel(session.quitText(tunnels.running()));
        text.setName("quitProgress");
        JProgressBar bar = new JProgressBar();
        bar.setIndeterminate(true);
        progress.getContentPane().add(text, BorderLayout.NORTH);
        progress.getContentPane().add(bar, BorderLayout.SOUTH);
        progress.getRootPane().setBorder(BorderFactory.createEmptyBorder(12, 12, 12, 12));
        progress.setDefaultCloseOperation(JDialog.DO_NOTHING_ON_CLOSE);
        progress.pack();
        progress.setLocationRelativeTo(window.frame());
        progress.setVisible(true);
        Consumer<String> status = line -> LOG.info("quit: {}", line);
        Thread.ofPlatform().name("netpilot-quit").start(() -> {
            try {
                session.quit(status);
            } catch (RuntimeException e) {
                LOG.warn("the clean exit failed: {}", e.toString());
            } finally {
                Runtime.getRuntime().exit(0);
            }
        });
    }

    private void runTestDriver(String className) {
        try {
            Class<?> driver = Class.forName(className, true, DesktopApp.class.getClassLoader());
            @SuppressWarnings("unchecked")
            Consumer<Object> d = (Consumer<Object>) driver.getDeclaredConstructor().newInstance();
            Thread.ofPlatform().name("netpilot-test-driver").start(() -> d.accept(this));
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException("cannot load the test driver " + className, e);
        }
    }

    /** The trimmed output of a short desktop command (gsettings), or empty when it is missing or slow. */
    private static Optional<String> command(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.exitValue() == 0 && !out.isEmpty() ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
