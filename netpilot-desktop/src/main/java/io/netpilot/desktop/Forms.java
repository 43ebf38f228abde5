package io.netpilot.desktop;

import java.awt.Color;
import java.awt.GridBagConstraints;
import java.awt.GridBagLayout;
import java.awt.Insets;
import java.awt.event.ActionEvent;
import java.awt.event.KeyEvent;
import java.util.function.Consumer;
import javax.swing.AbstractAction;
import javax.swing.JButton;
import javax.swing.JComponent;
import javax.swing.JDialog;
import javax.swing.JLabel;
import javax.swing.JPanel;
import javax.swing.KeyStroke;
import javax.swing.UIManager;
import javax.swing.event.DocumentEvent;
import javax.swing.event.DocumentListener;
import javax.swing.text.JTextComponent;

/** Layout and keyboard helpers shared by the dialogs: labelled rows with mnemonics, Enter and Escape. */
final class Forms {
    private Forms() {}

    /** A two-column form. */
    static JPanel grid() {
        return new JPanel(new GridBagLayout());
    }

    /** Adds a row: a label with a mnemonic that focuses {@code field}, then the field. */
    static void row(JPanel grid, int y, String label, int mnemonic, JComponent field) {
        JLabel l = new JLabel(label);
        l.setDisplayedMnemonic(mnemonic);
        l.setLabelFor(field);
        GridBagConstraints c = new GridBagConstraints();
        c.gridx = 0;
        c.gridy = y;
        c.anchor = GridBagConstraints.LINE_END;
        c.insets = new Insets(4, 4, 4, 8);
        grid.add(l, c);
        c = new GridBagConstraints();
        c.gridx = 1;
        c.gridy = y;
        c.weightx = 1;
        c.fill = GridBagConstraints.HORIZONTAL;
        c.insets = new Insets(4, 0, 4, 4);
        grid.add(field, c);
    }

    /** A line of text the size of the form, for problems (red) and progress. */
    static JLabel message(String name) {
        JLabel l = new JLabel(" ");
        l.setName(name);
        return l;
    }

    static Color errorColour() {
        Color c = UIManager.getColor("Component.error.focusedBorderColor");
        return c != null ? c : new Color(0xCF, 0x22, 0x2E);
    }

    /** Calls {@code changed} with the text on every edit. */
    static void onEdit(JTextComponent field, Consumer<String> changed) {
        field.getDocument().addDocumentListener(new DocumentListener() {
            @Override
            public void insertUpdate(DocumentEvent e) {
                changed.accept(field.getText());
            }

            @Override
            public void removeUpdate(DocumentEvent e) {
                changed.accept(field.getText());
            }

            @Override
            public void changedUpdate(DocumentEvent e) {
                changed.accept(field.getText());
            }
        });
    }

    /** Enter presses {@code ok} (the default button), Escape runs {@code cancel}. */
    static void keys(JDialog dialog, JButton ok, Runnable cancel) {
        dialog.getRootPane().setDefaultButton(ok);
        dialog.getRootPane().registerKeyboardAction(new AbstractAction() {
            private static final long serialVersionUID = 1L;

            @Override
            public void actionPerformed(ActionEvent e) {
                cancel.run();
            }
        }, KeyStroke.getKeyStroke(KeyEvent.VK_ESCAPE, 0), JComponent.WHEN_IN_FOCUSED_WINDOW);
    }

    static JButton button(String text, int mnemonic, String name) {
        JButton b = new JButton(text);
        b.setMnemonic(mnemonic);
        b.setName(name);
        return b;
    }
}
