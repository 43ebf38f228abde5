package io.netpilot.desktop.presentation;

import io.netpilot.core.Agent;
import io.netpilot.core.CleanupReport;
import io.netpilot.core.NetPilot;
import io.netpilot.core.TunnelId;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The app's hold on the agent: whether it is the agent or attached to another process's, what the
 * status bar says about that, what closing the window means, and the clean exit. Thread-safe.
 */
public final class Session {
    /** What closing the main window does. */
    public enum CloseChoice {
        /** Nothing runs here that quitting would stop: quit. */
        QUIT,
        /** Tunnels are up and the tray can keep the app: ask "keep running in the tray, or quit?". */
        ASK_KEEP_OR_QUIT,
        /** Tunnels are up and there is no tray: ask "quit (stopping them) or cancel?". */
        ASK_QUIT_OR_CANCEL
    }

    private final Agent agent;
    private final OptionalLong otherPid;
    private final AtomicBoolean quitting = new AtomicBoolean();

    /**
     * @param agent the agent this app started or attached to
     * @param otherPid the pid of the other agent, when attached and known
     */
    public Session(Agent agent, OptionalLong otherPid) {
        this.agent = Objects.requireNonNull(agent, "agent");
        this.otherPid = otherPid;
    }

    public Agent agent() {
        return agent;
    }

    /** Whether another process's agent owns the home (this app only shows and asks). */
    public boolean attached() {
        return agent.attached();
    }

    /** The status bar's text about who the agent is. */
    public String status() {
        if (!agent.attached()) {
            return "This app is the agent: quitting stops the routers' tunnel processes (they come back at the next start)";
        }
        return "Attached to the agent running as pid " + (otherPid.isPresent() ? String.valueOf(otherPid.getAsLong()) : "?")
                + ": quitting leaves its tunnels running";
    }

    /**
     * What closing the window does now.
     *
     * @param running how many tunnels hold router processes
     * @param trayAvailable whether the desktop has a system tray
     */
    public CloseChoice onClose(int running, boolean trayAvailable) {
        if (agent.attached() || running == 0) {
            return CloseChoice.QUIT;
        }
        return trayAvailable ? CloseChoice.ASK_KEEP_OR_QUIT : CloseChoice.ASK_QUIT_OR_CANCEL;
    }

    /** The progress dialog's text for quitting with {@code running} tunnels. */
    public String quitText(int running) {
        if (agent.attached() || running == 0) {
            return "Closing…";
        }
        return "Stopping " + running + (running == 1 ? " tunnel…" : " tunnels…");
    }

    /**
     * The clean exit, once (later calls return at once): when this app is the agent, stops every
     * tunnel's router processes (they stay wanted and come back at the next start), then closes the
     * agent; when attached, only lets go of the other agent, whose tunnels keep running.
     *
     * @param progress told what is happening, for the progress dialog
     * @return whether this call ran the exit (false when another call already had)
     */
    public boolean quit(Consumer<String> progress) {
        if (!quitting.compareAndSet(false, true)) {
            return false;
        }
        try {
            if (agent instanceof NetPilot local && !local.attached()) {
                CleanupReport report = local.stopTunnels();
                progress.accept("Stopped: " + report);
            }
        } finally {
            progress.accept("Closing…");
            agent.close();
        }
        return true;
    }

    /** Whether the clean exit has begun. */
    public boolean quitting() {
        return quitting.get();
    }

    /**
     * Retry now: the agent checks the tunnel at once and repairs it without waiting for its backoff
     * (through the control channel when attached). Returns at once; the outcome arrives as events.
     *
     * @throws io.netpilot.core.TunnelNotFoundException when the tunnel is not supervised
     */
    public void retry(TunnelId id) {
        agent.retry(id);
    }

    /** Stops a tunnel for good (the Disconnect button). */
    public CleanupReport disconnect(TunnelId id) {
        return agent.disconnect(id);
    }
}
