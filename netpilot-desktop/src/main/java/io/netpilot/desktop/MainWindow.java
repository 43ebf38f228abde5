package io.netpilot.desktop;

import io.netpilot.core.NetPilotException;
import io.netpilot.desktop.presentation.Session;
import io.netpilot.desktop.presentation.TunnelRow;
import io.netpilot.desktop.presentation.TunnelsModel;
import java.awt.BorderLayout;
import java.awt.Dimension;
import java.awt.Toolkit;
import java.awt.datatransfer.StringSelection;
import java.awt.event.ActionEvent;
import java.awt.event.KeyEvent;
import java.awt.event.WindowAdapter;
import java.awt.event.WindowEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import javax.swing.AbstractAction;
import javax.swing.Action;
import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JFrame;
import javax.swing.JLabel;
import javax.swing.JMenu;
import javax.swing.JMenuBar;
import javax.swing.JMenuItem;
import javax.swing.JOptionPane;
import javax.swing.JPanel;
import javax.swing.JScrollPane;
import javax.swing.JSplitPane;
import javax.swing.JTable;
import javax.swing.JTextArea;
import javax.swing.JToolBar;
import javax.swing.KeyStroke;
import javax.swing.ListSelectionModel;
import javax.swing.Timer;
import javax.swing.WindowConstants;

/**
 * The main window: the tunnel table (live from the model), its actions, the details pane (RTT chart and
 * event log of the selected tunnel) and the status bar. Built and used on the EDT only.
 */
final class MainWindow {
    private final DesktopApp app;
    private final Session session;
    private final TunnelsModel tunnels;
    private final Path home;
    private final JFrame frame = new JFrame("NetPilot");
    private final TunnelTable tableModel = new TunnelTable();
    private final JTable table = new JTable(tableModel);
    private final RttChart chart = new RttChart();
    private final JTextArea log = new JTextArea(8, 60);
    private final JLabel status = new JLabel();
    private final Action connect = action("Connect Tunnel…", KeyEvent.VK_C, KeyStroke.getKeyStroke(KeyEvent.VK_N, ctrl()), e -> connectDialog());
    private final Action disconnect = action("Disconnect", KeyEvent.VK_D, KeyStroke.getKeyStroke(KeyEvent.VK_DELETE, 0), e -> disconnect());
    private final Action retry = action("Retry now", KeyEvent.VK_R, KeyStroke.getKeyStroke(KeyEvent.VK_R, ctrl()), e -> retryNow());
    private final Action copySsh = action("Copy ssh command", KeyEvent.VK_O, KeyStroke.getKeyStroke(KeyEvent.VK_C, ctrl() | java.awt.event.InputEvent.SHIFT_DOWN_MASK), e -> copySsh());
    private final Action settings = action("Settings…", KeyEvent.VK_S, KeyStroke.getKeyStroke(KeyEvent.VK_COMMA, ctrl()), e -> settingsDialog());
    private final Action quit = action("Quit", KeyEvent.VK_Q, KeyStroke.getKeyStroke(KeyEvent.VK_Q, ctrl()), e -> app().quit());

    MainWindow(DesktopApp app, Session session, TunnelsModel tunnels, Path home) {
        this.app = app;
        this.session = session;
        this.tunnels = tunnels;
        this.home = home;
        frame.setName("mainWindow");
        frame.setJMenuBar(menus());
        JToolBar bar = new JToolBar();
        bar.setFloatable(false);
        bar.add(button(connect, "connectButton"));
        bar.add(button(disconnect, "disconnectButton"));
        bar.add(button(retry, "retryButton"));
        bar.add(button(copySsh, "copySshButton"));
        table.setName("tunnelTable");
        table.setSelectionMode(ListSelectionModel.SINGLE_SELECTION);
        table.setDefaultRenderer(Object.class, new javax.swing.table.DefaultTableCellRenderer());
        table.getColumnModel().getColumn(2).setCellRenderer(new TunnelTable.StateRenderer());
        table.setFillsViewportHeight(true);
        table.getSelectionModel().addListSelectionListener(e -> selectionChanged());
        log.setEditable(false);
        log.setName("eventLog");
        JPanel details = new JPanel(new BorderLayout(8, 8));
        details.add(chart, BorderLayout.WEST);
        details.add(new JScrollPane(log), BorderLayout.CENTER);
        details.setBorder(BorderFactory.createTitledBorder("Details"));
        JSplitPane split = new JSplitPane(JSplitPane.VERTICAL_SPLIT, new JScrollPane(table), details);
        split.setResizeWeight(0.6);
        status.setName("statusBar");
        status.setBorder(BorderFactory.createEmptyBorder(3, 8, 3, 8));
        status.setText(session.status());
        frame.getContentPane().add(bar, BorderLayout.NORTH);
        frame.getContentPane().add(split, BorderLayout.CENTER);
        frame.getContentPane().add(status, BorderLayout.SOUTH);
        frame.setDefaultCloseOperation(WindowConstants.DO_NOTHING_ON_CLOSE);
        frame.addWindowListener(new WindowAdapter() {
            @Override
            public void windowClosing(WindowEvent e) {
                app.windowClosing();
            }
        });
        frame.setIconImage(Tray.image(tunnels.summary(), 64));
        frame.setMinimumSize(new Dimension(640, 400));
        frame.setSize(new Dimension(Math.min(1100, screenWidth()), 620));
        frame.setLocationRelativeTo(null);
        tunnels.onChange(() -> Swing.onEdt(this::refresh));
        new Timer(1000, e -> tableModel.fireTableRowsUpdated(0, Math.max(0, tableModel.getRowCount() - 1))).start();
        refresh();
    }

    JFrame frame() {
        return frame;
    }

    JTable table() {
        return table;
    }

    void show() {
        frame.setVisible(true);
        frame.toFront();
        table.requestFocusInWindow();
    }

    private DesktopApp app() {
        return app;
    }

    private JMenuBar menus() {
        JMenuBar menus = new JMenuBar();
        JMenu file = new JMenu("File");
        file.setMnemonic(KeyEvent.VK_F);
        file.add(item(connect, "connectMenuItem"));
        file.add(item(settings, "settingsMenuItem"));
        file.addSeparator();
        file.add(item(quit, "quitMenuItem"));
        JMenu tunnel = new JMenu("Tunnel");
        tunnel.setMnemonic(KeyEvent.VK_T);
        tunnel.add(item(disconnect, "disconnectMenuItem"));
        tunnel.add(item(retry, "retryMenuItem"));
        tunnel.add(item(copySsh, "copySshMenuItem"));
        menus.add(file);
        menus.add(tunnel);
        return menus;
    }

    private void refresh() {
        Optional<TunnelRow> selected = selected();
        tableModel.update(tunnels.rows());
        selected.map(tableModel::indexOf).filter(i -> i >= 0).ifPresent(i -> table.getSelectionModel().setSelectionInterval(i, i));
        if (table.getSelectedRow() < 0 && tableModel.getRowCount() > 0) {
            table.getSelectionModel().setSelectionInterval(0, 0);
        }
        frame.setIconImage(Tray.image(tunnels.summary(), 64));
        selectionChanged();
    }

    private void selectionChanged() {
        Optional<TunnelRow> row = selected();
        disconnect.setEnabled(row.isPresent() && !session.quitting());
        retry.setEnabled(row.isPresent() && !session.quitting());
        copySsh.setEnabled(row.flatMap(TunnelRow::sshCommand).isPresent());
        chart.show(row.map(r -> tunnels.rtt(r.id(), Instant.now())).orElse(java.util.List.of()), Instant.now());
        String text = row.map(r -> String.join("\n", tunnels.log(r.id()))).orElse("");
        if (!text.equals(log.getText())) {
            log.setText(text);
        }
    }

    Optional<TunnelRow> selected() {
        int i = table.getSelectedRow();
        return i < 0 ? Optional.empty() : tableModel.row(table.convertRowIndexToModel(i));
    }

    private void settingsDialog() {
        new SettingsDialog(frame, home).show();
    }

    private void connectDialog() {
        new ConnectDialog(frame, app.connectFlow(), home, tunnels).show();
    }

    private void disconnect() {
        selected().ifPresent(r -> {
            int answer = JOptionPane.showConfirmDialog(frame, "Stop the tunnel of " + r.router() + " for good (router processes, relay port)?",
                    "Disconnect", JOptionPane.OK_CANCEL_OPTION);
            if (answer != JOptionPane.OK_OPTION) {
                return;
            }
            Thread.ofPlatform().name("netpilot-disconnect").start(() -> {
                try {
                    session.disconnect(r.id());
                } catch (NetPilotException e) {
                    Swing.onEdt(() -> JOptionPane.showMessageDialog(frame, e.getMessage(), "Disconnect failed", JOptionPane.ERROR_MESSAGE));
                }
                tunnels.refresh();
            });
        });
    }

    private void retryNow() {
        selected().ifPresent(r -> Thread.ofPlatform().name("netpilot-retry").start(() -> {
            try {
                session.retry(r.id());
                Swing.onEdt(() -> status.setText("Retrying " + r.router() + " now…"));
            } catch (NetPilotException e) {
                Swing.onEdt(() -> JOptionPane.showMessageDialog(frame, e.getMessage(), "Retry now failed", JOptionPane.ERROR_MESSAGE));
            }
        }));
    }

    private void copySsh() {
        selected().flatMap(TunnelRow::sshCommand).ifPresent(cmd -> {
            Toolkit.getDefaultToolkit().getSystemClipboard().setContents(new StringSelection(cmd), null);
            status.setText("Copied: " + cmd + "   (run it on the relay)");
        });
    }

    private static JButton button(Action a, String name) {
        JButton b = new JButton(a);
        b.setName(name);
        return b;
    }

    private static JMenuItem item(Action a, String name) {
        JMenuItem i = new JMenuItem(a);
        i.setName(name);
        return i;
    }

    private static Action action(String name, int mnemonic, KeyStroke accelerator, java.util.function.Consumer<ActionEvent> body) {
        @SuppressWarnings("serial")
        Action a = new AbstractAction(name) {
            @Override
            public void actionPerformed(ActionEvent e) {
                body.accept(e);
            }
        };
        a.putValue(Action.MNEMONIC_KEY, mnemonic);
        a.putValue(Action.ACCELERATOR_KEY, accelerator);
        return a;
    }

    private static int ctrl() {
        return java.awt.event.InputEvent.CTRL_DOWN_MASK;
    }

    private static int screenWidth() {
        return java.awt.GraphicsEnvironment.isHeadless() ? 1100 : Toolkit.getDefaultToolkit().getScreenSize().width - 80;
    }
}
