package io.netpilot.desktop.e2e;

import java.awt.Component;
import java.awt.Container;
import java.awt.EventQueue;
import java.awt.Graphics2D;
import java.awt.Window;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import javax.swing.AbstractButton;
import javax.swing.JDialog;
import javax.swing.JOptionPane;
import javax.swing.JPasswordField;
import javax.swing.JTable;
import javax.swing.text.JTextComponent;

/**
 * Runs inside the real app's JVM (named by {@code -Dnetpilot.desktop.testDriver}) and drives its real
 * Swing components by name, on the EDT, as told on stdin; answers on stdout as {@code DRIVER ...} lines.
 * Uses only the JDK, so it loads beside the shipped module path.
 */
public final class Driver implements java.util.function.Consumer<Object> {
    private static final long STEP_MS = 50;

    @Override
    public void accept(Object app) {
        try {
            say("window " + onEdt(() -> frame().map(f -> f.isShowing() + " " + ((java.awt.Frame) f).getTitle()).orElse("none")));
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line; (line = in.readLine()) != null; ) {
                String[] c = line.strip().split(" ");
                switch (c[0]) {
                    case "await-state" -> say("state " + awaitState(c[1]));
                    case "seen-restoring" -> say("seen-restoring " + awaitState("Restoring…"));
                    case "connect" -> connect(c[1], c[2], c[3], c[4], c.length > 5 ? c[5] : null);
                    case "click" -> {
                        EventQueue.invokeLater(() -> button(frame().orElseThrow(), c[1]).doClick());
                        say("clicked " + c[1]);
                    }
                    case "await-status" -> say("status " + awaitStatus(c[1]));
                    case "screenshot-main" -> say("screenshot " + screenshot(frame().orElseThrow(), new File(c[1])));
                    case "quit" -> {
                        EventQueue.invokeLater(() -> button(frame().orElseThrow(), "quitMenuItem").doClick());
                        say("quitting");
                    }
                    default -> say("unknown " + line);
                }
            }
        } catch (Exception | AssertionError e) {
            say("error " + e);
        }
    }

    /** Opens Connect Tunnel from the menu, fills it in, screenshots it, connects, accepts the new host key. */
    private void connect(String router, String password, String targetPort, String relay, String shot) throws Exception {
        EventQueue.invokeLater(() -> button(frame().orElseThrow(), "connectMenuItem").doClick());
        Window dialog = await(() -> window("connectDialog"));
        onEdt(() -> {
            text(dialog, "router").setText(router);
            button(dialog, "loginPassword").doClick();
            ((JPasswordField) find(dialog, "password")).setText(password);
            text(dialog, "targetPort").setText(targetPort);
            text(dialog, "relay").setText(relay);
            return null;
        });
        say("connect-enabled " + onEdt(() -> button(dialog, "connect").isEnabled()) + " problem=" + onEdt(() -> label(dialog, "problem")));
        if (shot != null) {
            say("screenshot " + screenshot(dialog, new File(shot)));
        }
        // Clicked on the EDT and waited for: the dialog disables Connect in the click itself, so the
        // first look below already sees the connect running.
        onEdt(() -> {
            button(dialog, "connect").doClick();
            return null;
        });
        // the new host key: shown with its fingerprint, accepted here as a user would
        poll(60_000, () -> {
            if (!dialog.isShowing() || button(dialog, "connect").isEnabled()) {
                return Boolean.TRUE;
            }
            showing().filter(w -> w instanceof JDialog d && "New host key".equals(d.getTitle())).findFirst().ifPresent(question -> {
                JOptionPane pane = (JOptionPane) findType((JDialog) question, JOptionPane.class);
                say("asked " + String.valueOf(pane.getMessage()).replace('\n', ' '));
                EventQueue.invokeLater(() -> pane.setValue(JOptionPane.YES_OPTION));
            });
            return null;
        });
        say("connect-dialog-closed " + !onEdt(dialog::isShowing) + " problem=" + onEdt(() -> label(dialog, "problem")));
    }

    /** Waits until a row's state column shows {@code state}; answers with its relay:port. */
    private String awaitState(String state) throws Exception {
        return poll(120_000, () -> {
            JTable t = (JTable) find(frame().orElseThrow(), "tunnelTable");
            for (int r = 0; r < t.getRowCount(); r++) {
                String s = t.getValueAt(r, 2).toString();
                if (s.contains("state=" + state + ",")) {
                    return t.getValueAt(r, 1).toString();
                }
            }
            return null;
        }).orElse("timeout");
    }

    /** Waits until the status bar starts with {@code prefix}; answers with its text. */
    private static String awaitStatus(String prefix) throws Exception {
        return await(() -> {
            String text = label(frame().orElseThrow(), "statusBar");
            return text.startsWith(prefix) ? text : null;
        });
    }

    private static String screenshot(Window w, File file) throws Exception {
        BufferedImage img = onEdt(() -> {
            BufferedImage i = new BufferedImage(w.getWidth(), w.getHeight(), BufferedImage.TYPE_INT_RGB);
            Graphics2D g = i.createGraphics();
            w.paintAll(g);
            g.dispose();
            return i;
        });
        file.getParentFile().mkdirs();
        ImageIO.write(img, "png", file);
        return file.getPath();
    }

    private static Optional<Window> frame() {
        return showing().filter(w -> "mainWindow".equals(w.getName())).findFirst();
    }

    private static java.util.stream.Stream<Window> showing() {
        return java.util.Arrays.stream(Window.getWindows()).filter(Window::isShowing);
    }

    private static Window window(String name) {
        return showing().filter(w -> name.equals(w.getName())).findFirst().orElse(null);
    }

    private static Component find(Container root, String name) {
        for (Component c : root.getComponents()) {
            if (name.equals(c.getName())) {
                return c;
            }
            if (c instanceof Container k) {
                Component f = find(k, name);
                if (f != null) {
                    return f;
                }
            }
        }
        if (root instanceof javax.swing.JFrame f && f.getJMenuBar() != null) {
            for (int i = 0; i < f.getJMenuBar().getMenuCount(); i++) {
                for (Component item : f.getJMenuBar().getMenu(i).getMenuComponents()) {
                    if (name.equals(item.getName())) {
                        return item;
                    }
                }
            }
        }
        return null;
    }

    private static Component findType(Container root, Class<?> type) {
        for (Component c : root.getComponents()) {
            if (type.isInstance(c)) {
                return c;
            }
            Component inner = c instanceof Container k ? findType(k, type) : null;
            if (inner != null) {
                return inner;
            }
        }
        return null;
    }

    private static AbstractButton button(Container root, String name) {
        return (AbstractButton) find(root, name);
    }

    private static JTextComponent text(Container root, String name) {
        return (JTextComponent) find(root, name);
    }

    private static String label(Container root, String name) {
        return ((javax.swing.JLabel) find(root, name)).getText();
    }

    private static <T> T await(Supplier<T> probe) throws Exception {
        return poll(30_000, probe::get).orElseThrow(() -> new IllegalStateException("timed out"));
    }

    /**
     * Looks on the EDT every {@link #STEP_MS} until {@code probe} gives a value (null: not yet), for at
     * most {@code limitMs}. The app's JVM has only the JDK, so this is the driver's one waiting loop.
     */
    private static <T> Optional<T> poll(long limitMs, java.util.concurrent.Callable<T> probe) throws Exception {
        long until = System.currentTimeMillis() + limitMs;
        while (System.currentTimeMillis() < until) {
            T v = onEdt(probe);
            if (v != null) {
                return Optional.of(v);
            }
            Thread.sleep(STEP_MS);
        }
        return Optional.empty();
    }

    private static <T> T onEdt(java.util.concurrent.Callable<T> c) throws Exception {
        AtomicReference<T> out = new AtomicReference<>();
        AtomicReference<Exception> failed = new AtomicReference<>();
        EventQueue.invokeAndWait(() -> {
            try {
                out.set(c.call());
            } catch (Exception e) {
                failed.set(e);
            }
        });
        if (failed.get() != null) {
            throw failed.get();
        }
        return out.get();
    }

    private static void say(String line) {
        synchronized (System.out) {
            System.out.println("DRIVER " + line);
            System.out.flush();
        }
    }
}
