package io.netpilot.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SSH exec or shell request run as a real process: the channel's input is its stdin, its
 * stdout and stderr go back to the client, and its exit code ends the channel. When the process has
 * exited, its output is drained for a short while only: a detached child that kept the pipes open
 * (as {@code cmd &} without redirection does) must not hold the client's command forever.
 * Used by one channel; its threads are its own.
 */
final class ShellCommand implements Command {
    private static final Logger LOG = LoggerFactory.getLogger(ShellCommand.class);
    private final java.util.function.IntConsumer afterExit;
    private static final long DRAIN_AFTER_EXIT_MS = 500;

    private final List<String> argv;
    private final Map<String, String> environment;
    private final Path workingDir;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback callback;
    private volatile Process process;

    ShellCommand(List<String> argv, Map<String, String> environment, Path workingDir) {
        this(argv, environment, workingDir, code -> { });
    }

    /** As the other constructor; {@code afterExit} is told the exit code once the channel was told. */
    ShellCommand(List<String> argv, Map<String, String> environment, Path workingDir, java.util.function.IntConsumer afterExit) {
        this.argv = List.copyOf(argv);
        this.environment = Map.copyOf(environment);
        this.workingDir = workingDir;
        this.afterExit = afterExit;
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.callback = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(argv).directory(workingDir.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process started = builder.start();
        process = started;
        LOG.debug("started pid {}: {}", started.pid(), argv);
        Thread stdin = Thread.ofVirtual().name("testkit-stdin-" + started.pid()).start(() -> copyStdin(started));
        Thread stdout = Thread.ofVirtual().name("testkit-stdout-" + started.pid()).start(() -> copy(started.getInputStream(), out));
        Thread stderr = Thread.ofVirtual().name("testkit-stderr-" + started.pid()).start(() -> copy(started.getErrorStream(), err));
        Thread.ofVirtual().name("testkit-wait-" + started.pid()).start(() -> awaitExit(started, stdout, stderr, stdin));
    }

    private void copyStdin(Process p) {
        try (OutputStream toProcess = p.getOutputStream()) {
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                toProcess.write(buffer, 0, n);
                toProcess.flush();
            }
        } catch (IOException e) {
            // The process stopped reading, or the channel closed: either way stdin is done.
        }
    }

    private static void copy(InputStream from, OutputStream to) {
        byte[] buffer = new byte[8192];
        try (from) {
            int n;
            while ((n = from.read(buffer)) >= 0) {
                to.write(buffer, 0, n);
                to.flush();
            }
        } catch (IOException e) {
            // The channel closed or the pipe broke: nothing more to deliver.
        }
    }

    private void awaitExit(Process p, Thread stdout, Thread stderr, Thread stdin) {
        int code;
        try {
            code = p.waitFor();
            stdout.join(DRAIN_AFTER_EXIT_MS);
            stderr.join(DRAIN_AFTER_EXIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = 130;
        }
        try {
            out.flush();
            err.flush();
        } catch (IOException e) {
            // The client is gone; the exit status has no one to go to.
        }
        stdin.interrupt();
        LOG.debug("pid {} exited with {}", p.pid(), code);
        callback.onExit(code);
        afterExit.accept(code);
    }

    @Override
    public void destroy(ChannelSession channel) {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroy();
            try {
                if (!p.waitFor(2, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }
}
