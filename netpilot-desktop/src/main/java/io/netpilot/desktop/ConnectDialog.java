package io.netpilot.desktop;

import io.netpilot.desktop.presentation.ConnectFlow;
import io.netpilot.desktop.presentation.ConnectForm;
import io.netpilot.desktop.presentation.TunnelsModel;
import io.netpilot.core.NetPilotException;
import io.netpilot.state.UserConfig;
import java.awt.BorderLayout;
import java.awt.Dialog;
import java.awt.FlowLayout;
import java.awt.Window;
import java.awt.event.KeyEvent;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import javax.swing.BorderFactory;
import javax.swing.ButtonGroup;
import javax.swing.JButton;
import javax.swing.JDialog;
import javax.swing.JFileChooser;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.JPasswordField;
import javax.swing.JRadioButton;
import javax.swing.JTextField;
import javax.swing.UIManager;

/**
 * The Connect Tunnel dialog: binds its fields to a {@link ConnectForm} (validation as you type, the
 * CLI's messages) and runs a {@link ConnectFlow} off the EDT, showing each step. Enter connects, Escape
 * cancels; every label has a mnemonic.
 */
final class ConnectDialog {
    private final JDialog dialog;
    private final ConnectForm form;
    private final ConnectFlow flow;
    private final TunnelsModel tunnels;
    private final JTextField router = field("router", 24);
    private final JRadioButton agentKey = radio("The agent's key (already installed)", KeyEvent.VK_A, "loginAgentKey");
    private final JRadioButton password = radio("Password (installs the agent's key once)", KeyEvent.VK_W, "loginPassword");
    private final JRadioButton keyFile = radio("Key file", KeyEvent.VK_K, "loginKeyFile");
    private final JPasswordField passwordField = new JPasswordField(24);
    private final JTextField keyPath = field("keyFile", 24);
    private final JButton browse = Forms.button("Browse…", KeyEvent.VK_B, "browse");
    private final JTextField targetPort = field("targetPort", 6);
    private final JTextField relay = field("relay", 24);
    private final JLabel problem = Forms.message("problem");
    private final JLabel progress = Forms.message("progress");
    private final JButton connect = Forms.button("Connect", KeyEvent.VK_N, "connect");
    private final JButton cancel = Forms.button("Cancel", KeyEvent.VK_ESCAPE, "cancel");
    private boolean running;

    ConnectDialog(Window owner, ConnectFlow flow, Path home, TunnelsModel tunnels) {
        this.flow = flow;
        this.tunnels = tunnels;
        this.form = new ConnectForm(readConfig(home));
        dialog = new JDialog(owner, "Connect Tunnel – NetPilot", Dialog.ModalityType.APPLICATION_MODAL);
        dialog.setName("connectDialog");
        ButtonGroup login = new ButtonGroup();
        login.add(agentKey);
        login.add(password);
        login.add(keyFile);
        agentKey.setSelected(true);
        passwordField.setName("password");
        targetPort.setText("22");
        form.defaultRelay().ifPresent(r -> relay.putClientProperty("JTextField.placeholderText", r + " (from Settings)"));
        JPanel grid = Forms.grid();
        Forms.row(grid, 0, "Router (user@host:port):", KeyEvent.VK_R, router);
        Forms.row(grid, 1, "Log in with:", KeyEvent.VK_L, agentKey);
        Forms.row(grid, 2, "", 0, password);
        Forms.row(grid, 3, "Password:", KeyEvent.VK_P, passwordField);
        Forms.row(grid, 4, "", 0, keyFile);
        JPanel keyRow = new JPanel(new BorderLayout(4, 0));
        keyRow.add(keyPath, BorderLayout.CENTER);
        keyRow.add(browse, BorderLayout.EAST);
        Forms.row(grid, 5, "Key file:", KeyEvent.VK_F, keyRow);
        Forms.row(grid, 6, "Target port:", KeyEvent.VK_T, targetPort);
        Forms.row(grid, 7, "Relay (override):", KeyEvent.VK_E, relay);
        JPanel south = new JPanel(new BorderLayout());
        JPanel messages = new JPanel(new BorderLayout());
        messages.add(problem, BorderLayout.NORTH);
        messages.add(progress, BorderLayout.SOUTH);
        JPanel buttons = new JPanel(new FlowLayout(FlowLayout.TRAILING));
        buttons.add(connect);
        buttons.add(cancel);
        south.add(messages, BorderLayout.CENTER);
        south.add(buttons, BorderLayout.SOUTH);
        JPanel content = new JPanel(new BorderLayout(0, 8));
        content.setBorder(BorderFactory.createEmptyBorder(12, 12, 12, 12));
        content.add(grid, BorderLayout.CENTER);
        content.add(south, BorderLayout.SOUTH);
        dialog.setContentPane(content);
        bind();
        Forms.keys(dialog, connect, this::cancel);
        dialog.pack();
        dialog.setLocationRelativeTo(owner);
    }

    void show() {
        router.requestFocusInWindow();
        dialog.setVisible(true);
    }

    private void bind() {
        Forms.onEdit(router, v -> edited(() -> form.router(v)));
        Forms.onEdit(keyPath, v -> edited(() -> form.keyFile(v)));
        Forms.onEdit(targetPort, v -> edited(() -> form.targetPort(v)));
        Forms.onEdit(relay, v -> edited(() -> form.relayOverride(v)));
        Forms.onEdit(passwordField, v -> edited(() -> {
            char[] pw = passwordField.getPassword();
            form.password(pw);
            Arrays.fill(pw, '\0');
        }));
        agentKey.addActionListener(e -> edited(() -> form.login(ConnectForm.Login.AGENT_KEY)));
        password.addActionListener(e -> edited(() -> form.login(ConnectForm.Login.PASSWORD)));
        keyFile.addActionListener(e -> edited(() -> form.login(ConnectForm.Login.KEY_FILE)));
        browse.addActionListener(e -> {
            JFileChooser chooser = new JFileChooser(Path.of(System.getProperty("user.home"), ".ssh").toFile());
            if (chooser.showOpenDialog(dialog) == JFileChooser.APPROVE_OPTION) {
                keyPath.setText(chooser.getSelectedFile().getPath());
                keyFile.setSelected(true);
                edited(() -> form.login(ConnectForm.Login.KEY_FILE));
            }
        });
        connect.addActionListener(e -> connect());
        cancel.addActionListener(e -> cancel());
        edited(() -> { });
    }

    /** Applies an edit to the form and shows its first problem (or none). */
    private void edited(Runnable change) {
        change.run();
        passwordField.setEnabled(form.login() == ConnectForm.Login.PASSWORD && !running);
        keyPath.setEnabled(form.login() == ConnectForm.Login.KEY_FILE && !running);
        browse.setEnabled(keyPath.isEnabled());
        Optional<String> p = form.problem();
        problem.setForeground(Forms.errorColour());
        problem.setText(p.orElse(" "));
        connect.setEnabled(p.isEmpty() && !running);
    }

    private void connect() {
        if (form.problem().isPresent() || running) {
            return;
        }
        running = true;
        for (var c : new javax.swing.JComponent[] {router, agentKey, password, keyFile, passwordField, keyPath, browse, targetPort, relay, connect}) {
            c.setEnabled(false);
        }
        Thread.ofPlatform().name("netpilot-connect").start(() -> {
            ConnectFlow.Outcome outcome = flow.run(form, step -> Swing.onEdt(() -> {
                progress.setForeground(UIManager.getColor("Label.foreground"));
                progress.setText(step);
            }));
            tunnels.refresh();
            Swing.onEdt(() -> finished(outcome));
        });
    }

    private void finished(ConnectFlow.Outcome outcome) {
        running = false;
        switch (outcome) {
            case ConnectFlow.Outcome.Connected c -> dialog.dispose();
            case ConnectFlow.Outcome.Failed f -> again(f.message());
            case ConnectFlow.Outcome.Declined d -> again("the host key of " + d.host() + " was not accepted; nothing was pinned");
        }
    }

    private void again(String message) {
        for (var c : new javax.swing.JComponent[] {router, agentKey, password, keyFile, targetPort, relay}) {
            c.setEnabled(true);
        }
        passwordField.setText("");
        edited(() -> { });
        progress.setText(" ");
        problem.setText(message);
        connect.setEnabled(true);
    }

    private void cancel() {
        if (!running) {
            form.clearPassword();
            passwordField.setText("");
            dialog.dispose();
        }
    }

    /** The defaults; a broken config.json is said once in the progress line and its defaults are not used. */
    private UserConfig readConfig(Path home) {
        try {
            return UserConfig.read(home.resolve(UserConfig.FILE_NAME));
        } catch (NetPilotException e) {
            progress.setText(e.getMessage() + " (its defaults are not used)");
            return UserConfig.EMPTY;
        }
    }

    private static JTextField field(String name, int columns) {
        JTextField f = new JTextField(columns);
        f.setName(name);
        return f;
    }

    private static JRadioButton radio(String text, int mnemonic, String name) {
        JRadioButton b = new JRadioButton(text);
        b.setMnemonic(mnemonic);
        b.setName(name);
        return b;
    }
}
