package io.netpilot.core.archfixture;

import javax.swing.JButton;

/** A deliberate violation: core code touching Swing. Only the architecture test imports it. */
public final class UsesSwing {
    private UsesSwing() {}

    static Object button() {
        return new JButton("core must not know Swing");
    }
}
