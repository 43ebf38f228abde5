package io.netpilot.desktop;

import io.netpilot.desktop.presentation.Health;
import io.netpilot.desktop.presentation.TunnelsModel;
import java.awt.AWTException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.MenuItem;
import java.awt.PopupMenu;
import java.awt.RenderingHints;
import java.awt.SystemTray;
import java.awt.TrayIcon;
import java.awt.image.BufferedImage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The system tray icon, where the desktop has a tray: its colour sums up the tunnels; Connect, Show, Quit; drop/back notifications. */
final class Tray {
    private static final Logger LOG = LoggerFactory.getLogger(Tray.class);

    private Tray() {}

    /** Installs the icon, or returns null when the desktop has no tray. */
    static Tray install(DesktopApp app, TunnelsModel tunnels) {
        if (!SystemTray.isSupported()) {
            LOG.info("this desktop has no system tray: closing the window asks to quit");
            return null;
        }
        SystemTray tray = SystemTray.getSystemTray();
        int size = tray.getTrayIconSize().height;
        PopupMenu menu = new PopupMenu();
        MenuItem connect = new MenuItem("Connect Tunnel…");
        connect.addActionListener(e -> {
            app.show();
            app.window().frame().getJMenuBar().getMenu(0).getItem(0).doClick();
        });
        MenuItem show = new MenuItem("Show");
        show.addActionListener(e -> app.show());
        MenuItem quit = new MenuItem("Quit");
        quit.addActionListener(e -> app.quit());
        menu.add(connect);
        menu.add(show);
        menu.addSeparator();
        menu.add(quit);
        TrayIcon icon = new TrayIcon(image(tunnels.summary(), size), "NetPilot", menu);
        icon.setImageAutoSize(true);
        icon.addActionListener(e -> app.show());
        try {
            tray.add(icon);
        } catch (AWTException e) {
            LOG.info("the system tray refused the icon ({}): closing the window asks to quit", e.getMessage());
            return null;
        }
        tunnels.onChange(() -> Swing.onEdt(() -> {
            Health h = tunnels.summary();
            icon.setImage(image(h, size));
            icon.setToolTip("NetPilot: " + tunnels.rows().size() + " tunnel(s), " + h.name().toLowerCase(java.util.Locale.ROOT));
        }));
        tunnels.onNotice(n -> Swing.onEdt(() -> icon.displayMessage(n.title(), n.text(),
                n.dropped() ? TrayIcon.MessageType.WARNING : TrayIcon.MessageType.INFO)));
        return new Tray();
    }

    /** A round icon in the colour of {@code health}, drawn at {@code size} pixels (so it is sharp at any scale). */
    static Image image(Health health, int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(TunnelTable.colour(health));
        g.fillOval(1, 1, size - 2, size - 2);
        g.setColor(Color.WHITE);
        int r = Math.max(2, size / 5);
        g.fillOval(size / 2 - r / 2, size / 2 - r / 2, r, r);
        g.dispose();
        return img;
    }
}
