package io.netpilot.desktop;

import io.netpilot.desktop.presentation.Health;
import io.netpilot.desktop.presentation.TunnelRow;
import io.netpilot.desktop.presentation.TunnelsModel;
import java.awt.Color;
import java.awt.Component;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.swing.Icon;
import javax.swing.JLabel;
import javax.swing.JTable;
import javax.swing.table.AbstractTableModel;
import javax.swing.table.DefaultTableCellRenderer;

/** Binds the table to {@link TunnelsModel}'s rows; read on the EDT only. */
final class TunnelTable extends AbstractTableModel {
    private static final long serialVersionUID = 1L;
    private static final String[] COLUMNS = {"Router", "Relay:port", "State", "Since", "RTT", "Last error"};

    private transient List<TunnelRow> rows = List.of();

    /** Takes the model's rows now (on the EDT). */
    void update(List<TunnelRow> now) {
        rows = now;
        fireTableDataChanged();
    }

    Optional<TunnelRow> row(int index) {
        return index >= 0 && index < rows.size() ? Optional.of(rows.get(index)) : Optional.empty();
    }

    int indexOf(TunnelRow row) {
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).id().equals(row.id())) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public int getRowCount() {
        return rows.size();
    }

    @Override
    public int getColumnCount() {
        return COLUMNS.length;
    }

    @Override
    public String getColumnName(int column) {
        return COLUMNS[column];
    }

    @Override
    public Object getValueAt(int rowIndex, int column) {
        TunnelRow r = rows.get(rowIndex);
        return switch (column) {
            case 0 -> r.router();
            case 1 -> r.relayPort();
            case 2 -> r;
            case 3 -> r.uptime(Instant.now());
            case 4 -> r.rttText();
            default -> r.lastError().orElse("");
        };
    }

    /** The health's colour, readable on light and dark themes. */
    static Color colour(Health h) {
        return switch (h) {
            case GOOD -> new Color(0x2E, 0xA0, 0x43);
            case PENDING -> new Color(0xD2, 0x99, 0x22);
            case BAD -> new Color(0xCF, 0x22, 0x2E);
            case IDLE -> new Color(0x8C, 0x95, 0x9F);
        };
    }

    /** A filled circle (GOOD), a ring (PENDING), a cross (BAD) or a dash (IDLE), in the health's colour, scaled with the font. */
    static Icon icon(Health h, int size) {
        return new Icon() {
            @Override
            public void paintIcon(Component c, Graphics g, int x, int y) {
                Graphics2D g2 = (Graphics2D) g.create();
                g2.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
                g2.setColor(colour(h));
                int s = size - 2;
                switch (h) {
                    case GOOD -> g2.fillOval(x + 1, y + 1, s, s);
                    case PENDING -> {
                        g2.setStroke(new java.awt.BasicStroke(Math.max(1.5f, size / 7f)));
                        g2.drawOval(x + 2, y + 2, s - 2, s - 2);
                    }
                    case BAD -> {
                        g2.setStroke(new java.awt.BasicStroke(Math.max(2f, size / 6f)));
                        g2.drawLine(x + 2, y + 2, x + s, y + s);
                        g2.drawLine(x + s, y + 2, x + 2, y + s);
                    }
                    case IDLE -> g2.fillRect(x + 2, y + size / 2 - 1, s - 2, Math.max(2, size / 7));
                }
                g2.dispose();
            }

            @Override
            public int getIconWidth() {
                return size;
            }

            @Override
            public int getIconHeight() {
                return size;
            }
        };
    }

    /** Renders the state column: the health's icon and colour beside the state's text. */
    static final class StateRenderer extends DefaultTableCellRenderer {
        private static final long serialVersionUID = 1L;

        @Override
        public Component getTableCellRendererComponent(JTable table, Object value, boolean selected, boolean focus, int row, int column) {
            TunnelRow r = (TunnelRow) value;
            JLabel label = (JLabel) super.getTableCellRendererComponent(table, r.state(), selected, focus, row, column);
            label.setIcon(icon(r.health(), table.getFontMetrics(table.getFont()).getAscent()));
            if (!selected) {
                label.setForeground(colour(r.health()));
            }
            return label;
        }
    }
}
