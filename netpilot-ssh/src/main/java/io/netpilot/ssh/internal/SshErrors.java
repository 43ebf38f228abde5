package io.netpilot.ssh.internal;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;

/** Reads MINA's exceptions to tell refusals, timeouts and lost connections apart. Stateless. */
final class SshErrors {
    private SshErrors() {}

    /** A short, human description of {@code e} and its causes. */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return "unknown host name";
            }
            if (t instanceof NoRouteToHostException) {
                return "no route to host";
            }
            if (t instanceof SocketTimeoutException) {
                return "timed out";
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        if (root != e && e.getMessage() != null && !e.getMessage().equals(msg)) {
            msg = e.getMessage() + ": " + msg;
        }
        return msg;
    }

    static boolean isAuthRefusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("no more authentication methods") || m.contains("authentication failed")
                    || m.contains("too many authentication failures")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code e} is the server refusing to open a channel (OpenSSH over MaxSessions says "open failed"
     * with reason CONNECT_FAILED; other servers may say administratively prohibited).
     */
    static boolean isChannelRefusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SshChannelOpenException) {
                return true;
            }
        }
        return false;
    }

    static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
            String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (m.contains("timeout") || m.contains("timed out")) {
                return true;
            }
        }
        return false;
    }
}
