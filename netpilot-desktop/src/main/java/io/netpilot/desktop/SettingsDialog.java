package io.netpilot.desktop;

import io.netpilot.core.NetPilotException;
import io.netpilot.desktop.presentation.SettingsForm;
import io.netpilot.desktop.presentation.SettingsForm.Field;
import io.netpilot.state.UserConfig;
import java.awt.BorderLayout;
import java.awt.Dialog;
import java.awt.FlowLayout;
import java.awt.Window;
import java.awt.event.KeyEvent;
import java.nio.file.Path;
import java.util.Optional;
import javax.swing.BorderFactory;
import javax.swing.JButton;
import javax.swing.JDialog;
import javax.swing.JLabel;
import javax.swing.JOptionPane;
import javax.swing.JPanel;
import javax.swing.JTextField;

/** The Settings dialog, bound to a {@link SettingsForm}: saved to the home's {@code config.json}, the file the CLI reads. */
final class SettingsDialog {
    private final Window owner;
    private final Path home;

    SettingsDialog(Window owner, Path home) {
        this.owner = owner;
        this.home = home;
    }

    void show() {
        SettingsForm form;
        try {
            form = new SettingsForm(home.resolve(UserConfig.FILE_NAME));
        } catch (NetPilotException e) {
            JOptionPane.showMessageDialog(owner, e.getMessage(), "Settings", JOptionPane.ERROR_MESSAGE);
            return;
        }
        JDialog dialog = new JDialog(owner, "Settings – NetPilot", Dialog.ModalityType.APPLICATION_MODAL);
        dialog.setName("settingsDialog");
        JLabel problem = Forms.message("problem");
        problem.setForeground(Forms.errorColour());
        JButton save = Forms.button("Save", KeyEvent.VK_S, "save");
        JButton cancel = Forms.button("Cancel", KeyEvent.VK_ESCAPE, "cancel");
        Runnable check = () -> {
            Optional<String> p = form.problem();
            problem.setText(p.orElse(" "));
            save.setEnabled(p.isEmpty());
        };
        JPanel grid = Forms.grid();
        row(grid, 0, "Relay (user@host:port):", KeyEvent.VK_R, "relay", form, Field.RELAY, check);
        row(grid, 1, "Relay key file:", KeyEvent.VK_K, "relayKey", form, Field.RELAY_KEY, check);
        row(grid, 2, "Tunnel user:", KeyEvent.VK_T, "tunnelUser", form, Field.TUNNEL_USER, check);
        row(grid, 3, "Port range (A-B):", KeyEvent.VK_P, "portRange", form, Field.PORT_RANGE, check);
        row(grid, 4, "Lease TTL (e.g. 2m):", KeyEvent.VK_L, "leaseTtl", form, Field.LEASE_TTL, check);
        JPanel buttons = new JPanel(new FlowLayout(FlowLayout.TRAILING));
        buttons.add(save);
        buttons.add(cancel);
        JPanel south = new JPanel(new BorderLayout());
        south.add(problem, BorderLayout.NORTH);
        south.add(buttons, BorderLayout.SOUTH);
        JPanel content = new JPanel(new BorderLayout(0, 8));
        content.setBorder(BorderFactory.createEmptyBorder(12, 12, 12, 12));
        content.add(new JLabel("Defaults for new tunnels, saved to " + home.resolve(UserConfig.FILE_NAME)), BorderLayout.NORTH);
        content.add(grid, BorderLayout.CENTER);
        content.add(south, BorderLayout.SOUTH);
        dialog.setContentPane(content);
        save.addActionListener(e -> {
            try {
                form.save();
                dialog.dispose();
            } catch (NetPilotException ex) {
                problem.setText(ex.getMessage());
            }
        });
        cancel.addActionListener(e -> dialog.dispose());
        Forms.keys(dialog, save, dialog::dispose);
        check.run();
        dialog.pack();
        dialog.setLocationRelativeTo(owner);
        dialog.setVisible(true);
    }

    private static void row(JPanel grid, int y, String label, int mnemonic, String name, SettingsForm form, Field field, Runnable check) {
        JTextField f = new JTextField(form.get(field), 24);
        f.setName(name);
        Forms.onEdit(f, v -> {
            form.set(field, v);
            check.run();
        });
        Forms.row(grid, y, label, mnemonic, f);
    }
}
