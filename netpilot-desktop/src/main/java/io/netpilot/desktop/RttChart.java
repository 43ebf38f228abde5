package io.netpilot.desktop;

import io.netpilot.desktop.presentation.TunnelsModel;
import java.awt.Dimension;
import java.awt.Graphics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.swing.JComponent;
import javax.swing.UIManager;

/** The selected tunnel's RTT over the last {@link TunnelsModel#RTT_WINDOW}, as a line; painted from the model's samples. */
final class RttChart extends JComponent {
    private static final long serialVersionUID = 1L;
    private transient List<TunnelsModel.RttSample> samples = List.of();
    private transient Instant now = Instant.now();

    RttChart() {
        setPreferredSize(new Dimension(320, 110));
        setName("rttChart");
    }

    void show(List<TunnelsModel.RttSample> latest, Instant at) {
        samples = latest;
        now = at;
        repaint();
    }

    @Override
    protected void paintComponent(Graphics g) {
        Graphics2D g2 = (Graphics2D) g.create();
        g2.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        int w = getWidth();
        int h = getHeight();
        int pad = g2.getFontMetrics().getHeight();
        g2.setColor(UIManager.getColor("Panel.background"));
        g2.fillRect(0, 0, w, h);
        g2.setColor(UIManager.getColor("Label.disabledForeground"));
        g2.drawRect(pad, 2, w - pad - 3, h - pad - 4);
        long max = Math.max(10, samples.stream().mapToLong(s -> s.rtt().toMillis()).max().orElse(0) * 5 / 4);
        g2.setColor(UIManager.getColor("Label.foreground"));
        g2.drawString("RTT, last " + TunnelsModel.RTT_WINDOW.toMinutes() + " min (max " + max + " ms)", pad + 4, h - 4);
        if (samples.isEmpty()) {
            g2.drawString("no probes yet", pad + 8, pad + 4);
            g2.dispose();
            return;
        }
        double span = TunnelsModel.RTT_WINDOW.toMillis();
        Path2D line = new Path2D.Double();
        boolean first = true;
        for (TunnelsModel.RttSample s : samples) {
            double x = pad + (w - pad - 4) * (1 - Duration.between(s.at(), now).toMillis() / span);
            double y = 2 + (h - pad - 6) * (1 - s.rtt().toMillis() / (double) max);
            if (first) {
                line.moveTo(x, y);
                first = false;
            } else {
                line.lineTo(x, y);
            }
            g2.fillOval((int) x - 2, (int) y - 2, 4, 4);
        }
        g2.setColor(TunnelTable.colour(io.netpilot.desktop.presentation.Health.GOOD));
        g2.draw(line);
        g2.dispose();
    }
}
